package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.s;
import static io.domainautomation.aws.LedgerItems.text;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import io.domainautomation.logic.rotation.DeploymentLedger;
import io.domainautomation.logic.tls.CertificateIdentity;

/**
 * The rotation's deployments in the ledger's table: {@code APP#<app>} / {@code CERT#<domain>}, one item per domain,
 * replaced at each deployment (no expiry: it says what a domain carries for as long as it does), {@code announced}
 * once its event was published; and {@code APP#<app>} / {@code NOTICE#<topic>#<domain>}: the state last announced on a
 * topic (rejected, conflict, expiring), {@code published} once its event was. Items written before these flags were
 * kept count as announced and published (they were published right after they were written). Only PutItem, GetItem
 * and conditions: the rotation's IAM grants nothing else.
 */
@ApplicationScoped
public class DynamoDbDeployments implements DeploymentLedger {

    private static final String CERT = "CERT#";
    private static final String UPLOAD = "UPLOAD#";
    private static final String NOTICE = "NOTICE#";

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;

    @Inject
    DynamoDbDeployments(Instance<DynamoDbClient> dynamo, LedgerConfig config) {
        this(dynamo::get, config);
    }

    /** On a client of one's own (the fidelity runs give it a retry policy of their own). */
    DynamoDbDeployments(Supplier<DynamoDbClient> dynamo, LedgerConfig config) {
        this.dynamo = dynamo;
        this.config = config;
    }

    @Override
    public Optional<Deployed> deployed(String app, String domain) {
        return read(app, domain, CERT, "read the deployment on ");
    }

    @Override
    public Optional<Deployed> intent(String app, String domain) {
        return read(app, domain, UPLOAD, "read the last upload's intent on ");
    }

    @Override
    public void recordIntent(Deployed intent) {
        Map<String, AttributeValue> item = item(intent, UPLOAD);
        call("record the upload's intent on " + intent.domain() + " of " + intent.app(),
                () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    private Optional<Deployed> read(String app, String domain, String kind, String what) {
        Map<String, AttributeValue> item = call(what + domain + " of " + app, () -> dynamo.get()
                .getItem(g -> g.tableName(config.table()).key(key("APP#" + app, kind + domain)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Deployed(app, domain, text(item, "sha256"), text(item, "secret"), text(item, "versionId"),
                Instant.parse(text(item, "deployedAt")), text(item, "subject"),
                item.containsKey("notAfter") ? Instant.parse(text(item, "notAfter")) : null, text(item, "keyDescription"),
                !item.containsKey("announced") || Boolean.TRUE.equals(item.get("announced").bool()),
                item.containsKey("certificateSerial") ? new CertificateIdentity(text(item, "certificateSubject"),
                        text(item, "certificateSerial"), text(item, "sha256"), text(item, "certificateNotAfter")) : null,
                !item.containsKey("confirmed") || Boolean.TRUE.equals(item.get("confirmed").bool()),
                item.containsKey("verifiable") && Boolean.TRUE.equals(item.get("verifiable").bool())));
    }

    @Override
    public void recordDeployed(Deployed deployed) {
        Map<String, AttributeValue> item = item(deployed, CERT);
        call("record the deployment on " + deployed.domain() + " of " + deployed.app(),
                () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public void markAnnounced(Deployed deployed) {
        Map<String, AttributeValue> item = item(deployed.announcedNow(), CERT);
        try {
            call("mark the deployment on " + deployed.domain() + " of " + deployed.app() + " announced", () -> dynamo.get()
                    .putItem(p -> p.tableName(config.table()).item(item).conditionExpression("deployedAt = :at")
                            .expressionAttributeValues(Map.of(":at", s(deployed.deployedAt().toString())))));
        } catch (ConditionalCheckFailedException replaced) {
            // a later deployment replaced it (or it is gone): that one has its own announcement
        }
    }

    private static Map<String, AttributeValue> item(Deployed deployed, String kind) {
        Map<String, AttributeValue> item = key("APP#" + deployed.app(), kind + deployed.domain());
        item.put("sha256", s(deployed.sha256()));
        item.put("secret", s(deployed.secret()));
        item.put("versionId", s(deployed.versionId() == null ? "" : deployed.versionId()));
        item.put("deployedAt", s(deployed.deployedAt().toString()));
        item.put("subject", s(deployed.subject() == null ? "" : deployed.subject()));
        if (deployed.notAfter() != null) {
            item.put("notAfter", s(deployed.notAfter().toString()));
        }
        item.put("keyDescription", s(deployed.keyDescription() == null ? "" : deployed.keyDescription()));
        item.put("announced", AttributeValue.fromBool(deployed.announced()));
        item.put("confirmed", AttributeValue.fromBool(deployed.confirmed()));
        item.put("verifiable", AttributeValue.fromBool(deployed.verifiable()));
        if (deployed.certificate() != null) {
            item.put("certificateSubject", s(deployed.certificate().subject()));
            item.put("certificateSerial", s(deployed.certificate().serial()));
            item.put("certificateNotAfter", s(deployed.certificate().notAfter()));
        }
        return item;
    }

    @Override
    public boolean announce(String app, String domain, String topic, String state) {
        Map<String, AttributeValue> item = key("APP#" + app, NOTICE + topic + "#" + domain);
        item.put("state", s(state));
        item.put("published", AttributeValue.fromBool(false));
        try {
            // A retry of this very write (its reply lost) meets "not published": it succeeds again, and says news.
            call("record the announcement on " + domain + " of " + app, () -> dynamo.get().putItem(p -> p
                    .tableName(config.table()).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #state <> :state OR published = :no")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(state), ":no", AttributeValue.fromBool(false)))));
            return true;
        } catch (ConditionalCheckFailedException alreadyAnnounced) {
            return false;
        }
    }

    @Override
    public void confirm(String app, String domain, String topic, String state) {
        Map<String, AttributeValue> item = key("APP#" + app, NOTICE + topic + "#" + domain);
        item.put("state", s(state));
        item.put("published", AttributeValue.fromBool(true));
        try {
            call("confirm the announcement on " + domain + " of " + app, () -> dynamo.get().putItem(p -> p
                    .tableName(config.table()).item(item)
                    .conditionExpression("#state = :state")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(state)))));
        } catch (ConditionalCheckFailedException another) {
            // a newer state was recorded meanwhile: that one has its own announcement
        }
    }

}
