package io.domainautomation.functions;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.domainautomation.aws.AwsConfig;
import io.domainautomation.aws.DynamoDbBudgetStore;
import io.domainautomation.aws.DynamoDbCleanupRecords;
import io.domainautomation.aws.DynamoDbOwnershipProofs;
import io.domainautomation.aws.DynamoDbProofReads;
import io.domainautomation.aws.DynamoDbTombstones;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.aws.EventsConfig;
import io.domainautomation.aws.OnboardingRechecks;
import io.domainautomation.dns.DnsProbe;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.DomainLinker;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.logic.Offboarding;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.cleanup.CleanupConfig;
import io.domainautomation.logic.ownership.OwnershipCheck;
import io.domainautomation.logic.ownership.OwnershipConfig;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.status.DomainStatus;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.scalingo.RequestGate;
import io.domainautomation.scalingo.RequestPacer;
import io.domainautomation.scalingo.ScalingoConfig;
import io.domainautomation.scalingo.SharedBudget;

/** What logic needs from the adapters' settings, as logic's own types (logic reads no adapter's configuration). */
public class AdapterWiring {

    /**
     * What each Scalingo request waits for: the account's shared budget ({@code SCALINGO_BUDGET_SHARED}), by the
     * priority of the function this artifact runs as; otherwise (and for domain-status, read-only, which keeps its
     * static share outside the budget) the container's static share.
     */
    @Produces
    @Singleton
    RequestGate requestGate(ScalingoConfig scalingo, RequestPacer pacer, DynamoDbBudgetStore store, EmbeddedMetrics metrics,
            @ConfigProperty(name = "quarkus.funqy.export") Optional<String> export) {
        Optional<Priority> priority = export.map(AdapterWiring::priorityOf);
        if (!scalingo.budget().shared() || priority.isEmpty()) {
            return pacer;
        }
        ScalingoConfig.Budget budget = scalingo.budget();
        BudgetPolicy.Settings settings = BudgetPolicy.Settings.forAccount(budget.limit(), budget.reservedOutside(),
                budget.peopleShare(), scalingo.rateLimit().period(), scalingo.rateLimit().guard(), budget.validity())
                .withHeadroom(budget.headroom());
        // the store unreachable (or too slow for the time left): the static share, counted (RateBudgetFallbacks)
        Runnable counted = () -> metrics.emit("RateBudgetFallbacks", "Count", 1, java.util.Map.of("Function", export.get()));
        // the store unreachable: FALLBACK_SHARE requests a minute per container, which the people's share absorbs
        RequestPacer fallback = RequestPacer.of(FALLBACK_SHARE, scalingo.rateLimit().period(), scalingo.rateLimit().guard());
        return new SharedBudget(store, budget.account(), priority.get(), settings, budget.batch(), fallback,
                SharedBudget.Clocks.SYSTEM, counted);
    }

    /** A container's requests a minute while the shared budget's store cannot be reached. */
    static final int FALLBACK_SHARE = 2;

    /** Whose work comes first when the budget is short; domain-status none (outside the shared budget). */
    static Priority priorityOf(String export) {
        return switch (export) {
            case "set-canonical" -> Priority.INTERACTIVE;
            case "link-on-signup" -> Priority.SIGNUP;
            case "rotate-cert-from-secrets-manager" -> Priority.ROTATION;
            case "cleanup-stale" -> Priority.CLEANUP;
            default -> null;
        };
    }

    @Produces
    @Singleton
    AppHosts appHosts(ScalingoConfig scalingo, EventsConfig events) {
        return new AppHosts(scalingo.apiUrl(), events.appDomain());
    }

    @Produces
    @Singleton
    AppDirectory appDirectory(AppsService apps, Clock clock) {
        return new AppDirectory(apps, clock);
    }

    @Produces
    @Singleton
    CanonicalDomains canonicalDomains(DomainsService scalingo, AppDirectory apps, CanonicalLedger ledger, EventSink events,
            Clock clock, Ticker ticker, AwsConfig aws) {
        return new CanonicalDomains(scalingo, apps, ledger, events, clock, ticker, aws.apiCallTimeout());
    }

    @Produces
    @Singleton
    SignupLinking signupLinking(DomainLinker linker, CertificateAttachment certificates, AppDirectory apps, AppHosts hosts,
            LinkLedger ledger, DeadLetters deadLetters, EventSink events, Clock clock, Ticker ticker, AwsConfig aws,
            DomainsService scalingo, DynamoDbTombstones tombstones, OwnershipConfig ownership, DynamoDbOwnershipProofs proofs,
            DnsProbe dns, OnboardingRechecks rechecks) {
        Optional<OwnershipCheck> check = ownership.proof() == OwnershipConfig.Mode.NONE ? Optional.empty()
                : Optional.of(new OwnershipCheck(proofs, dns, rechecks, events, hosts, clock, ticker, aws.apiCallTimeout(),
                        ownership.proofTimeout(), AdapterWiring::randomToken));
        Offboarding offboarding = new Offboarding(scalingo, apps, tombstones, events, clock, ticker, aws.apiCallTimeout(),
                check);
        return new SignupLinking(linker, offboarding, certificates, apps, hosts, ledger, deadLetters, events, clock, ticker,
                aws.apiCallTimeout(), dns, check);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** 128 random bits, in hex: a proof's token, a re-check's id. */
    static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Produces
    @Singleton
    DomainStatus domainStatus(AppDirectory apps, DomainsService scalingo, DnsProbe dns, AppHosts hosts,
            DynamoDbCleanupRecords records, CleanupConfig cleanup, Clock clock, Ticker ticker, AwsConfig aws,
            OwnershipConfig ownership, DynamoDbProofReads proofs) {
        return new DomainStatus(apps, scalingo, dns, hosts, records, cleanup.confirmAfter(), clock, ticker, aws.apiCallTimeout(),
                ownership.proof(), proofs);
    }
}
