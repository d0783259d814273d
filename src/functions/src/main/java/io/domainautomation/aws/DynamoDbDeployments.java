package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.s;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import io.domainautomation.logic.rotation.DeploymentLedger;

/**
 * The rotation's deployments in the ledger's table: {@code APP#<app>} / {@code CERT#<domain>}, one item per domain,
 * replaced at each deployment (no expiry: it says what a domain carries for as long as it does); and
 * {@code APP#<app>} / {@code NOTICE#<topic>#<domain>}: the state last announced on a topic (rejected, conflict, expiring).
 */
@ApplicationScoped
public class DynamoDbDeployments implements DeploymentLedger {

    private static final String CERT = "CERT#";
    private static final String NOTICE = "NOTICE#";

    private final Instance<DynamoDbClient> dynamo;
    private final LedgerConfig config;

    DynamoDbDeployments(Instance<DynamoDbClient> dynamo, LedgerConfig config) {
        this.dynamo = dynamo;
        this.config = config;
    }

    @Override
    public Optional<Deployed> deployed(String app, String domain) {
        Map<String, AttributeValue> item = call("read the deployment on " + domain + " of " + app, () -> dynamo.get()
                .getItem(g -> g.tableName(config.table()).key(key("APP#" + app, CERT + domain)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Deployed(app, domain, text(item, "sha256"), text(item, "secret"), text(item, "versionId"),
                Instant.parse(text(item, "deployedAt")), text(item, "subject"),
                item.containsKey("notAfter") ? Instant.parse(text(item, "notAfter")) : null, text(item, "keyDescription")));
    }

    @Override
    public void recordDeployed(Deployed deployed) {
        Map<String, AttributeValue> item = key("APP#" + deployed.app(), CERT + deployed.domain());
        item.put("sha256", s(deployed.sha256()));
        item.put("secret", s(deployed.secret()));
        item.put("versionId", s(deployed.versionId() == null ? "" : deployed.versionId()));
        item.put("deployedAt", s(deployed.deployedAt().toString()));
        item.put("subject", s(deployed.subject() == null ? "" : deployed.subject()));
        if (deployed.notAfter() != null) {
            item.put("notAfter", s(deployed.notAfter().toString()));
        }
        item.put("keyDescription", s(deployed.keyDescription() == null ? "" : deployed.keyDescription()));
        call("record the deployment on " + deployed.domain() + " of " + deployed.app(),
                () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public boolean announce(String app, String domain, String topic, String state) {
        Map<String, AttributeValue> item = key("APP#" + app, NOTICE + topic + "#" + domain);
        item.put("state", s(state));
        try {
            call("record the announcement on " + domain + " of " + app, () -> dynamo.get().putItem(p -> p
                    .tableName(config.table()).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #state <> :state")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(state)))));
            return true;
        } catch (ConditionalCheckFailedException alreadyAnnounced) {
            return false;
        }
    }

    @Override
    public void withdraw(String app, String domain, String topic, String state) {
        try {
            call("withdraw the announcement on " + domain + " of " + app, () -> dynamo.get().deleteItem(d -> d
                    .tableName(config.table()).key(key("APP#" + app, NOTICE + topic + "#" + domain))
                    .conditionExpression("#state = :state")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(state)))));
        } catch (ConditionalCheckFailedException another) {
            // a newer state was announced meanwhile: that one stays
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null || value.s().isEmpty() ? null : value.s();
    }
}
