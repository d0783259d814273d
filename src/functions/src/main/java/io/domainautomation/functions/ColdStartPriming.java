package io.domainautomation.functions;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.aws.AwsConfig;
import io.domainautomation.aws.AwsLoopbackPriming;
import io.domainautomation.aws.Continuation;
import io.domainautomation.aws.EventPublisher;
import io.domainautomation.aws.ScalingoApiToken;
import io.domainautomation.dns.DnsProbe;
import io.domainautomation.functions.trigger.HttpApi;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.rotation.DeploymentLedger;
import io.domainautomation.logic.rotation.RotationReport;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificateIdentity;
import io.domainautomation.scalingo.ApiTokenSource;
import io.domainautomation.scalingo.AppsApi;
import io.domainautomation.scalingo.AuthApi;
import io.domainautomation.scalingo.BearerTokens;
import io.domainautomation.scalingo.DomainsApi;
import io.domainautomation.scalingo.Envelopes;
import io.domainautomation.scalingo.RequestGate;
import io.domainautomation.scalingo.RequestPacer;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.StartupEvent;

/**
 * Moves work off a container's first invocation into Lambda's init phase (quarkus.snapstart.full-warmup starts the
 * application there). Outside Lambda (no {@code AWS_LAMBDA_INITIALIZATION_TYPE}) it does nothing.
 * <ul>
 * <li>On demand: read the token and exchange a bearer on one background thread, and warm Jackson, the ledger's and
 * EventBridge's clients on another, while the runtime asks for the first event, so they overlap instead of adding
 * up.</li>
 * <li>SnapStart: before the snapshot, warm Jackson, the Scalingo REST client's whole request path against a loopback
 * server started and stopped for it ({@link LoopbackPriming}), the AWS SDK's request path for each operation the
 * function makes against another ({@link AwsLoopbackPriming}), the real AWS clients and Scalingo REST client beans
 * built (nothing sent), each function's own path (DNS, certificates), and the classes of its core's packages
 * ({@link ClassPreloading}). Nothing reaches Scalingo or AWS before the
 * snapshot: a snapshot must hold no secret, a bearer in it would be stale, and a connection in it would be dead after
 * the restore. The token and the bearer are fetched after a restore, through the CRaC restore hook.</li>
 * </ul>
 */
@ApplicationScoped
public class ColdStartPriming implements Resource {

    private static final Logger LOG = Logger.getLogger(ColdStartPriming.class);
    private static final String SAMPLE_DOMAINS = """
            {"domains":[{"id":"5c8a1b2f3d4e5f6a7b8c9d0e","app_id":"5c8a1b2f3d4e5f6a7b8c9d0f","name":"www.example.com",
            "created_at":"2026-01-01T00:00:00.000Z","ssl":false,"validity":null,"canonical":false,
            "letsencrypt_enabled":true,"letsencrypt_status":"pending_dns","acme_dns_fqdn":null,"acme_dns_value":null,
            "acme_dns_error":null,"acme_challenge_error":null}]}""";
    private static final String SAMPLE_APP = """
            {"app":{"id":"5c8a1b2f3d4e5f6a7b8c9d0f","name":"example","region":"osc-fr1",
            "url":"https://example.osc-fr1.scalingo.io","created_at":"2026-01-01T00:00:00.000Z"}}""";

    /** How Lambda started this execution environment ({@code AWS_LAMBDA_INITIALIZATION_TYPE}). */
    enum Initialization {
        OUTSIDE_LAMBDA, ON_DEMAND, SNAP_START;

        static Initialization of(String value) {
            if (value == null || value.isBlank()) {
                return OUTSIDE_LAMBDA;
            }
            return "snap-start".equals(value) ? SNAP_START : ON_DEMAND;
        }
    }

    /**
     * What each function's container primes beyond what they all share, by the function it exports: one row per
     * function, read once, instead of branches on its name.
     */
    enum FunctionPriming {
        LINK_ON_SIGNUP(LinkOnSignup.NAME, EnumSet.of(AwsLoopbackPriming.Service.SQS, AwsLoopbackPriming.Service.DYNAMODB),
                List.of()),
        SET_CANONICAL(SetCanonical.NAME, EnumSet.of(AwsLoopbackPriming.Service.DYNAMODB), List.of()),
        ROTATION(RotateCertFromSecretsManager.NAME, EnumSet.of(AwsLoopbackPriming.Service.DYNAMODB),
                List.of("io.domainautomation.logic.rotation", "io.domainautomation.logic.tls")),
        CLEANUP(CleanupStale.NAME, EnumSet.of(AwsLoopbackPriming.Service.DYNAMODB), List.of("io.domainautomation.logic.cleanup")),
        DOMAIN_STATUS(DomainStatusCheck.NAME, EnumSet.of(AwsLoopbackPriming.Service.DYNAMODB),
                List.of("io.domainautomation.logic.status")),
        /** No export, or one this table does not know (local runs, tests): what every function shares only. */
        OTHER("", EnumSet.noneOf(AwsLoopbackPriming.Service.class), List.of());

        /** Every function reads its token and publishes events. */
        private static final Set<AwsLoopbackPriming.Service> SHARED = EnumSet.of(AwsLoopbackPriming.Service.SECRETS_MANAGER,
                AwsLoopbackPriming.Service.EVENTBRIDGE);

        /** Every function's core uses the ports' types (deadline, time budget, Scalingo's records). */
        private static final List<String> SHARED_PACKAGES = List.of("io.domainautomation.logic.port");

        private final String export;
        private final Set<AwsLoopbackPriming.Service> ownServices;
        private final List<String> corePackages;

        FunctionPriming(String export, Set<AwsLoopbackPriming.Service> ownServices, List<String> corePackages) {
            this.export = export;
            this.ownServices = ownServices;
            this.corePackages = corePackages;
        }

        /** The packages of the function's core whose classes are loaded before a snapshot. */
        List<String> corePackages() {
            List<String> packages = new java.util.ArrayList<>(SHARED_PACKAGES);
            packages.addAll(corePackages);
            return packages;
        }

        static FunctionPriming of(String export) {
            for (FunctionPriming function : values()) {
                if (function != OTHER && function.export.equals(export)) {
                    return function;
                }
            }
            return OTHER;
        }

        /** The AWS services whose request path the function uses: the shared ones and its own. */
        Set<AwsLoopbackPriming.Service> awsServices() {
            Set<AwsLoopbackPriming.Service> services = EnumSet.copyOf(SHARED);
            services.addAll(ownServices);
            return services;
        }

        boolean keepsALedger() {
            return ownServices.contains(AwsLoopbackPriming.Service.DYNAMODB);
        }
    }

    /** Shaped like the details the functions publish: strings, numbers, booleans, lists and maps within. */
    private static final Map<String, Object> SAMPLE_EVENT_DETAIL = Map.of("version", "1", "app", "example", "domain",
            "www.example.com", "dryRun", true, "daysToExpiry", 30, "domains", List.of("www.example.com"), "dns",
            Map.of("type", "CNAME", "value", "example.osc-fr1.scalingo.io"));

    private static final String SAMPLE_HTTP_API_EVENT = """
            {"version":"2.0","routeKey":"GET /apps/{app}/canonical-domain","rawPath":"/apps/example/canonical-domain",
            "rawQueryString":"","headers":{"accept":"application/json"},"requestContext":{"accountId":"000000000000",
            "apiId":"example","authorizer":{"iam":{"accessKey":"AKIAEXAMPLE","accountId":"000000000000",
            "callerId":"AIDAEXAMPLE","principalOrgId":null,"userArn":"arn:aws:iam::000000000000:user/example",
            "userId":"AIDAEXAMPLE"}},"domainName":"example.execute-api.eu-west-3.amazonaws.com","http":{"method":"GET",
            "path":"/apps/example/canonical-domain","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"priming"},
            "requestId":"priming","routeKey":"GET /apps/{app}/canonical-domain","stage":"$default",
            "time":"01/Jan/2026:00:00:00 +0000","timeEpoch":1767225600000},"pathParameters":{"app":"example"},
            "isBase64Encoded":false}""";

    private final ObjectMapper json;
    private final BearerTokens bearers;
    private final ScalingoApiToken apiToken;
    private final RequestPacer pacer;
    private final FunctionPriming function;
    private final CleanupLedger ledger;
    private final EventPublisher events;
    private final DeploymentLedger deployments;
    private final ApiTokenSource tokenSource;
    private final Instance<DnsProbe> dns;
    private final Continuation continuation;
    private final Instance<CertificateAttachment> certificates;
    private final AwsConfig aws;
    private final Instance<DynamoDbClient> dynamoDb;
    private final Instance<LinkLedger> links;
    private final Instance<CanonicalLedger> canonicals;
    private final Instance<RequestGate> gate;

    ColdStartPriming(ObjectMapper json, BearerTokens bearers, ScalingoApiToken apiToken, RequestPacer pacer,
            @ConfigProperty(name = "quarkus.funqy.export", defaultValue = "") String export, CleanupLedger ledger,
            EventPublisher events, DeploymentLedger deployments, ApiTokenSource tokenSource, Instance<DnsProbe> dns,
            Continuation continuation, Instance<CertificateAttachment> certificates, AwsConfig aws,
            Instance<DynamoDbClient> dynamoDb, Instance<LinkLedger> links, Instance<CanonicalLedger> canonicals,
            Instance<RequestGate> gate) {
        this.gate = gate;
        this.json = json;
        this.bearers = bearers;
        this.apiToken = apiToken;
        this.pacer = pacer;
        this.function = FunctionPriming.of(export);
        this.ledger = ledger;
        this.events = events;
        this.deployments = deployments;
        this.tokenSource = tokenSource;
        this.dns = dns;
        this.continuation = continuation;
        this.certificates = certificates;
        this.aws = aws;
        this.dynamoDb = dynamoDb;
        this.links = links;
        this.canonicals = canonicals;
    }

    void onStart(@Observes StartupEvent event) {
        prime(Initialization.of(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")));
    }

    void prime(Initialization initialization) {
        switch (initialization) {
            case OUTSIDE_LAMBDA -> {
            }
            case SNAP_START -> {
                long started = System.nanoTime();
                warmJackson();
                LoopbackPriming.run();
                AwsLoopbackPriming.run(aws.region(), awsServices());
                buildAwsClients();
                buildRestClients();
                warmEvents();
                warmOwnPath();
                warmRequestGate();
                ClassPreloading.packages(ColdStartPriming.class.getClassLoader(), function.corePackages());
                Core.getGlobalContext().register(this);
                LOG.infof("cold-start priming before the snapshot took %d ms", (System.nanoTime() - started) / 1_000_000);
            }
            case ON_DEMAND -> {
                // Not the loopback priming: on demand it only moves the same work earlier, for more memory (BENCHMARKS.md).
                inBackground(this::fetchCredentials);
                inBackground(() -> {
                    warmJackson();
                    warmLedger();
                    warmEvents();
                });
            }
        }
    }

    /**
     * Builds Jackson's (de)serializers for the Scalingo types, as the first Scalingo reply would, for an event's detail
     * and the function's own report, as the first answer would, and for set-canonical runs the HTTP API request and
     * response path once, as its first request would.
     */
    void warmJackson() {
        try {
            json.readValue(SAMPLE_DOMAINS, Envelopes.DomainList.class);
            json.readValue(SAMPLE_APP, Envelopes.AppEnvelope.class);
            json.writeValueAsString(new Envelopes.DomainWrite(DomainChanges.link("www.example.com", true, true)));
            json.writeValueAsString(SAMPLE_EVENT_DETAIL);
            switch (function) {
                case CLEANUP -> json.readValue(json.writeValueAsString(
                        ScanState.start("cold-start-priming", Instant.now().toString(), true)), ScanState.class);
                case ROTATION -> json.writeValueAsString(RotationReport.builder("cold-start-priming", true).add(
                        new RotationReport.Entry("priming", "example", "www.example.com", RotationReport.Outcome.UNCHANGED,
                                "expiry", "unchanged", new CertificateIdentity("CN=www.example.com", "1", "00",
                                        "2026-01-01T00:00:00Z"), 30L)).build());
                case SET_CANONICAL -> {
                    HttpApi.event(json.readTree(SAMPLE_HTTP_API_EVENT));
                    HttpApi.response(json, 200, json.createObjectNode(), Map.of());
                }
                case LINK_ON_SIGNUP, OTHER -> {
                }
            }
        } catch (JsonProcessingException e) {
            LOG.warnf("cold-start priming: the Scalingo types did not round-trip: %s", e.getOriginalMessage());
        }
    }

    /** The shared rate budget's decisions and its item's encoding (nothing with the fixed shares): no call is made. */
    void warmRequestGate() {
        try {
            gate.get().prime();
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: the rate budget was not primed (%s)", e.toString());
        }
    }

    /**
     * On demand, the functions with a ledger (all four): builds the DynamoDB client and runs the
     * ledger's own calls once against the real table, with a read that finds nothing or which scan runs (nothing
     * changed). Not before a snapshot, which must keep no connection.
     */
    void warmLedger() {
        try {
            switch (function) {
                case CLEANUP -> {
                    ledger.runningScan(Instant.now());
                    // A query of a partition nobody writes, and a conditional delete no item can match: the read and
                    // conditional-write paths a scan takes, with nothing read or changed.
                    ledger.staleRecords("cold-start-priming");
                    ledger.releaseScan("cold-start-priming");
                }
                case ROTATION -> deployments.deployed("cold-start-priming", "priming.invalid");
                case LINK_ON_SIGNUP -> links.get().attempted("cold-start-priming", "priming.invalid", "cold-start-priming");
                case SET_CANONICAL -> canonicals.get().last("cold-start-priming");
                case OTHER -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: the ledger did not answer (%s); the first invocation tries again", e.getMessage());
        }
    }

    /**
     * What only one function does: cleanup-stale resolves DNS and hands scans on (the Lambda client, built, nothing
     * sent); domain-status and link-on-signup (its Domain Linked's diagnosis) resolve DNS; the rotation parses and
     * checks certificates.
     */
    void warmOwnPath() {
        try {
            switch (function) {
                case CLEANUP -> {
                    dns.get().prime();
                    continuation.warm();
                }
                case ROTATION -> CertificatePriming.run(certificates.get());
                case DOMAIN_STATUS, LINK_ON_SIGNUP -> dns.get().prime();
                case SET_CANONICAL, OTHER -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: %s's own path was not primed (%s)", function, e.getMessage());
        }
    }

    /** Builds the real AWS clients, sending nothing: a request would leave a kept-alive connection in the snapshot. */
    void buildAwsClients() {
        try {
            apiToken.warm();
            if (function.keepsALedger()) {
                dynamoDb.get().serviceClientConfiguration();
            }
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: an AWS client could not be built (%s); the first invocation tries again",
                    e.getMessage());
        }
    }

    /**
     * Creates the Scalingo REST client beans, sending nothing (their connection pools stay empty): otherwise the first
     * call after a restore builds them, on the clock. The beans are application-scoped, so the restored process uses
     * these.
     */
    void buildRestClients() {
        try {
            for (Class<?> api : List.of(AuthApi.class, AppsApi.class, DomainsApi.class)) {
                ClientProxy.unwrap(Arc.container().instance(api, RestClient.LITERAL).get());
            }
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: a Scalingo REST client could not be built (%s); the first invocation does it",
                    e.getMessage());
        }
    }

    /**
     * Every function reads its token and publishes events, and keeps a ledger;
     * link-on-signup sends what it cannot process to its dead-letter queue.
     */
    Set<AwsLoopbackPriming.Service> awsServices() {
        return function.awsServices();
    }

    /** Builds the EventBridge client every function publishes with; sends nothing. */
    void warmEvents() {
        try {
            events.warm();
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: the EventBridge client could not be built (%s)", e.getMessage());
        }
    }

    /** Reads the API token and exchanges it for a bearer, so the first invocation finds both cached. */
    void fetchCredentials() {
        try {
            long started = System.nanoTime();
            tokenSource.apiToken();
            long read = System.nanoTime();
            bearers.authorization();
            LOG.infof("credentials ready: token read in %d ms, bearer exchange in %d ms", (read - started) / 1_000_000,
                    (System.nanoTime() - read) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warnf("cold-start priming: no bearer yet (%s); the first invocation tries again", e.getMessage());
        }
    }

    /**
     * Empty on purpose: the SnapStart priming runs from {@link #onStart} in Lambda's init phase, which ends with the
     * snapshot, so it is in the snapshot all the same. Here it would run only where a JVM takes a CRaC checkpoint:
     * never on these machines' JDKs nor in the packaged-function tests and benchmarks, which start the artifact with
     * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} and measure the priming there; moved here, nothing could
     * test or measure it before it reached Lambda.
     */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Every container restored from one snapshot would otherwise share its rate window, read on another clock.
        pacer.startFresh(System.nanoTime());
        LOG.info("restored from a SnapStart snapshot: fetching the Scalingo token and a bearer in the background");
        inBackground(this::fetchCredentials);
    }

    private static void inBackground(Runnable work) {
        Thread thread = new Thread(work, "cold-start-priming");
        thread.setDaemon(true);
        thread.start();
    }
}
