package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.functions.trigger.OnboardingMessages;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.DomainLinker;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificatePolicy;

/**
 * link-on-signup's and set-canonical's cores wired on the in-memory ports, without Quarkus: what the fast tests and
 * the simulator drive. Messages are parsed as the function parses them.
 */
public final class SignupWorld {

    public static final String API_URL = "https://api.osc-fr1.scalingo.com";
    /** AWS_API_CALL_TIMEOUT as deployed: the longest one ledger call takes. */
    public static final Duration ONE_AWS_CALL = Duration.ofSeconds(8);

    public final ManualClock clock;
    public final InMemoryScalingo scalingo;
    public final InMemoryCertificateStore secrets;
    public final InMemoryLinkLedger links = new InMemoryLinkLedger();
    public final InMemoryCanonicalLedger canonicals = new InMemoryCanonicalLedger();
    public final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    public final RecordingEventSink events = new RecordingEventSink();
    public final SignupLinking linking;
    public final CanonicalDomains canonical;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * The ports the cores are given, each made from its in-memory model: the models themselves, or (a fidelity run)
     * mirrors that make every call on the real adapter too.
     */
    public interface Ports {
        Ports MODELS = new Ports() {
        };

        /**
         * Scalingo's apps and domains: an object implementing both {@code AppsService} and {@code DomainsService};
         * {@code clock} the world's, by which the cores' deadlines are counted.
         */
        default Object scalingo(InMemoryScalingo model, ManualClock clock) {
            return model;
        }

        /** The link ledger, made from its model (the canonical ledger's model given too: one mirror may serve both). */
        default io.domainautomation.logic.LinkLedger links(InMemoryLinkLedger model, InMemoryCanonicalLedger canonicals) {
            return model;
        }

        /** The canonical ledger, made from its model (the link ledger's model given too). */
        default io.domainautomation.logic.CanonicalLedger canonicals(InMemoryLinkLedger links, InMemoryCanonicalLedger model) {
            return model;
        }
    }

    public SignupWorld(Instant start) {
        this(start, Ports.MODELS);
    }

    public SignupWorld(Instant start, Ports ports) {
        clock = new ManualClock(start);
        scalingo = new InMemoryScalingo(clock, clock);
        secrets = new InMemoryCertificateStore(clock);
        events.ticker(clock);
        Object platform = ports.scalingo(scalingo, clock);
        io.domainautomation.logic.port.AppsService apps = (io.domainautomation.logic.port.AppsService) platform;
        io.domainautomation.logic.port.DomainsService domains = (io.domainautomation.logic.port.DomainsService) platform;
        CertificateAttachment attachment = new CertificateAttachment(secrets,
                new CertificatePolicy(Duration.ofDays(7), Optional.empty()), clock);
        AppDirectory directory = new AppDirectory(apps, clock);
        linking = new SignupLinking(new DomainLinker(domains), attachment, directory, new AppHosts(API_URL, Optional.empty()),
                ports.links(links, canonicals), deadLetters, events, clock, clock, ONE_AWS_CALL);
        canonical = new CanonicalDomains(domains, directory, ports.canonicals(links, canonicals), events, clock, clock, ONE_AWS_CALL);
    }

    /** One delivery of an onboarding message, as link-on-signup handles it. */
    public SignupLinking.Outcome deliver(String messageId, String body, Deadline deadline) {
        return linking.handle(messageId, body, b -> OnboardingMessages.parse(json, b), deadline);
    }

    /** set-canonical's deadline: its 29 s less the 1 s margin. */
    public Deadline requestDeadline() {
        return clock.deadlineIn(Duration.ofSeconds(28));
    }

    /** link-on-signup's deadline: its 300 s less the margin. */
    public Deadline batchDeadline() {
        return clock.deadlineIn(Duration.ofSeconds(299));
    }
}
