package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.functions.trigger.OnboardingMessages;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.DomainLinker;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.logic.Offboarding;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.ownership.OwnershipCheck;
import io.domainautomation.logic.ownership.OwnershipProofs;
import io.domainautomation.logic.ownership.ProofDecision;
import io.domainautomation.logic.ownership.Rechecks;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificatePolicy;

/**
 * link-on-signup's and set-canonical's cores wired on the in-memory ports, without Quarkus: what the fast tests and
 * the simulator drive. Messages are parsed as the function parses them. {@link #linking} and {@link #canonical} are
 * one container's; {@link #container} makes another over the same ports (its own app cache), as Lambda runs several.
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
    /** The tombstones of offboarded domains (in the cleanup's ledger, as deployed). */
    public final InMemoryCleanupLedger tombstones = new InMemoryCleanupLedger();
    public final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    public final RecordingEventSink events = new RecordingEventSink();
    /**
     * The DNS the proof of ownership and Domain Linked's diagnosis look at (no records until a test sets some), and
     * the proofs and re-checks ({@link #proveOwnership}).
     */
    public final ScriptedDns dns = new ScriptedDns();
    public final InMemoryOwnershipProofs proofs = new InMemoryOwnershipProofs();
    public final RecordingRechecks rechecks = new RecordingRechecks();
    /** Whether link-on-signup asks for proof of ownership (OWNERSHIP_PROOF=txt), and how long a customer has for it. */
    public final boolean proveOwnership;
    public final Duration proofWindow;
    /** OWNERSHIP_PROOF_TIMEOUT's default. */
    public static final Duration PROOF_WINDOW = Duration.ofDays(7);
    private final java.util.Random tokens;
    public final SignupLinking linking;
    public final CanonicalDomains canonical;
    private final ObjectMapper json = new ObjectMapper();
    /** The ports as made by {@link Ports}, shared by every container. */
    private final Object platform;
    private final LinkLedger linkLedger;
    private final CanonicalLedger canonicalLedger;
    /** The container whose cores are {@link #linking} and {@link #canonical}. */
    private final Container first;

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
        this(start, ports, false, 0);
    }

    /**
     * @param proveOwnership link-on-signup asks for proof of ownership (OWNERSHIP_PROOF=txt)
     * @param seed the random tokens' and re-check ids' (a history stays a function of its seed)
     */
    public SignupWorld(Instant start, Ports ports, boolean proveOwnership, long seed) {
        this(start, ports, proveOwnership, PROOF_WINDOW, seed);
    }

    /** @param proofWindow OWNERSHIP_PROOF_TIMEOUT */
    public SignupWorld(Instant start, Ports ports, boolean proveOwnership, Duration proofWindow, long seed) {
        this.proveOwnership = proveOwnership;
        this.proofWindow = proofWindow;
        this.tokens = new java.util.Random(seed);
        clock = new ManualClock(start);
        scalingo = new InMemoryScalingo(clock, clock);
        secrets = new InMemoryCertificateStore(clock);
        events.ticker(clock);
        platform = ports.scalingo(scalingo, clock);
        linkLedger = ports.links(links, canonicals);
        canonicalLedger = ports.canonicals(links, canonicals);
        first = container(Gate.NONE);
        linking = first.linking;
        canonical = first.canonical;
    }

    /** How one container's cores are given each port: the port itself, or a wrapper around it (the same type). */
    public interface Gate {
        Gate NONE = new Gate() {
            @Override
            public <T> T wrap(Class<T> type, T port) {
                return port;
            }
        };

        <T> T wrap(Class<T> type, T port);
    }

    /**
     * One Lambda container's cores: its own app directory (its cache) and its own linker, over this world's ports
     * (the same Scalingo, ledgers, secrets, dead-letter queue and event bus as every other container's).
     */
    public final class Container {
        public final SignupLinking linking;
        public final CanonicalDomains canonical;

        private Container(Gate gate) {
            AppsService apps = gate.wrap(AppsService.class, (AppsService) platform);
            DomainsService domains = gate.wrap(DomainsService.class, (DomainsService) platform);
            EventSink sink = gate.wrap(EventSink.class, events);
            CertificateAttachment attachment = new CertificateAttachment(gate.wrap(CertificateStore.class, secrets),
                    new CertificatePolicy(Duration.ofDays(7), Optional.empty()), clock);
            AppDirectory directory = new AppDirectory(apps, clock);
            AppHosts hosts = new AppHosts(API_URL, Optional.empty());
            Optional<OwnershipCheck> ownership = !proveOwnership ? Optional.empty()
                    : Optional.of(new OwnershipCheck(gate.wrap(OwnershipProofs.class, proofs),
                            gate.wrap(DnsResolver.class, dns), gate.wrap(Rechecks.class, rechecks), sink, hosts, clock, clock,
                            ONE_AWS_CALL, proofWindow, SignupWorld.this::randomToken));
            Offboarding offboarding = new Offboarding(domains, directory,
                    gate.wrap(io.domainautomation.logic.cleanup.Tombstones.class, tombstones), sink, clock, clock, ONE_AWS_CALL,
                    ownership);
            linking = new SignupLinking(new DomainLinker(domains), offboarding, attachment, directory, hosts,
                    gate.wrap(LinkLedger.class, linkLedger), gate.wrap(DeadLetters.class, deadLetters), sink, clock, clock,
                    ONE_AWS_CALL, dns, ownership); // DNS for the diagnosis not through the gate: a lookup changes nothing
            canonical = new CanonicalDomains(domains, directory, gate.wrap(CanonicalLedger.class, canonicalLedger), sink, clock,
                    clock, ONE_AWS_CALL);
        }

        /** One delivery of an onboarding message to this container, as link-on-signup handles it. */
        public SignupLinking.Outcome deliver(String messageId, String body, Deadline deadline) {
            return linking.handle(messageId, body, b -> OnboardingMessages.parse(json, b), deadline);
        }

        /** A re-check of a proof of ownership (the message's copy this function sent), taken in by SQS at {@code sentAt}. */
        public SignupLinking.Outcome recheck(String messageId, String recheckId, Instant sentAt, String body,
                Deadline deadline) {
            return linking.handle(messageId, new ProofDecision.Delivery(Optional.of(recheckId), Optional.of(sentAt)), body,
                    b -> OnboardingMessages.parse(json, b), deadline);
        }

        /** The same, with the time SQS took the message in. */
        public SignupLinking.Outcome deliver(String messageId, Instant sentAt, String body, Deadline deadline) {
            return linking.handle(messageId, Optional.of(sentAt), body, b -> OnboardingMessages.parse(json, b), deadline);
        }
    }

    /** Another container over the same ports, each port given to its cores through {@code gate}. */
    public Container container(Gate gate) {
        return new Container(gate);
    }

    /** One delivery of an onboarding message, as link-on-signup handles it. */
    public SignupLinking.Outcome deliver(String messageId, String body, Deadline deadline) {
        return first.deliver(messageId, body, deadline);
    }

    public SignupLinking.Outcome deliver(String messageId, Instant sentAt, String body, Deadline deadline) {
        return first.deliver(messageId, sentAt, body, deadline);
    }

    public SignupLinking.Outcome recheck(String messageId, String recheckId, Instant sentAt, String body, Deadline deadline) {
        return first.recheck(messageId, recheckId, sentAt, body, deadline);
    }

    /** 128 random bits in hex, from the world's seed. */
    private synchronized String randomToken() {
        return String.format("%016x%016x", tokens.nextLong(), tokens.nextLong());
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
