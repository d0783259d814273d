package io.domainautomation.simulation;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.domainautomation.fakes.InMemoryCertificateStore;
import io.domainautomation.fakes.InMemoryScalingo.FaultSeen;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * A fidelity run's certificate secrets: each call of the core made on the in-memory store the simulation injects its
 * faults into (its answer is what the core gets) and on the Secrets Manager adapter, over the AWS SDK to the sandbox,
 * which meets the same fault at the wire: a failure before the call (the store is only read) fails every attempt there
 * with a 500; a process killed before a call makes no real call. Every other answer is compared: the secrets' names,
 * tags and PEM texts, and their versions' creation times (to the millisecond); not their ARNs and version ids, which
 * each side makes its own (the core is given the model's, and a model ARN is turned into the secret's name for the
 * real call). The histories' changes to the secrets (created, given new versions, re-tagged, rolled back, scheduled for
 * deletion, restored, deleted) are made on the sandbox's Secrets Manager as they happen ({@link #changesOn}).
 */
public final class MirroredCertificates implements CertificateStore {

    /** How the real client's requests are failed at the wire (the sandbox's faults). */
    public interface WireFaults {
        /** The next {@code requests} Secrets Manager requests answer 500. */
        void failNext(int requests);
    }

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedAtTheWire;
        public long notMadeKilled;
        public long storedCompared;

        public void add(Counts other) {
            compared += other.compared;
            failedAtTheWire += other.failedAtTheWire;
            notMadeKilled += other.notMadeKilled;
            storedCompared += other.storedCompared;
        }
    }

    private final InMemoryCertificateStore model;
    private final CertificateStore real;
    private final WireFaults wire;
    private final int attempts;
    private final Counts counts = new Counts();
    /** Model ARN to secret name, learnt from the model's answers. */
    private final Map<String, String> names = new HashMap<>();

    /**
     * @param attempts how many requests the real client makes for one call at most (its retries included)
     * @param asCaller runs a real call signed as the function that makes it
     */
    public MirroredCertificates(InMemoryCertificateStore model, CertificateStore real, WireFaults wire, int attempts,
            java.util.function.Function<Supplier<Object>, Object> asCaller) {
        this.model = model;
        this.real = signed(real, asCaller);
        this.wire = wire;
        this.attempts = attempts;
    }

    public Counts counts() {
        return counts;
    }

    /**
     * What a history does to the model's secrets, done on the sandbox's too.
     *
     * @param sandbox the sandbox's Secrets Manager, changed without a request
     */
    public static InMemoryCertificateStore.Changes changesOn(SandboxSecrets sandbox) {
        return new InMemoryCertificateStore.Changes() {
            @Override
            public void put(String name, String certificatePem, String privateKeyPem, Map<String, String> tags) {
                sandbox.put(name, certificatePem, privateKeyPem, tags);
            }

            @Override
            public void tagged(String name, Map<String, String> tags) {
                sandbox.tag(name, tags);
            }

            @Override
            public void scheduledForDeletion(String name) {
                sandbox.delete(name, false);
            }

            @Override
            public void restored(String name) {
                sandbox.restore(name);
            }

            @Override
            public void rolledBack(String name) {
                if (!sandbox.rollBack(name)) {
                    throw new MirroredLedger.Divergence("secret " + name + ": the model rolled back to a previous version the"
                            + " sandbox does not have");
                }
            }

            @Override
            public void deleted(String name) {
                sandbox.delete(name, true);
            }
        };
    }

    /** The sandbox's Secrets Manager, as a history changes it. */
    public interface SandboxSecrets {
        void put(String name, String certificatePem, String privateKeyPem, Map<String, String> tags);

        void tag(String name, Map<String, String> tags);

        void delete(String name, boolean withoutRecovery);

        void restore(String name);

        boolean rollBack(String name);
    }

    /** Every managed secret both hold once the history is over, listed again without faults. */
    public void compareStored() {
        counts.storedCompared++;
        compare("stored secrets", listText(model.listManaged(Optional.empty())), listText(real.listManaged(Optional.empty())));
    }

    // ------------------------------------------------------------------ the port

    @Override
    public List<ManagedSecret> listManaged(Optional<String> namePrefix) {
        return mirror("listManaged", () -> learn(model.listManaged(namePrefix)), () -> real.listManaged(namePrefix),
                MirroredCertificates::listText);
    }

    @Override
    public ManagedSecret describe(String secretId, Optional<String> namePrefix) {
        return mirror("describe " + secretId, () -> learn(List.of(model.describe(secretId, namePrefix))).get(0),
                () -> real.describe(realId(secretId), namePrefix), MirroredCertificates::secretText);
    }

    @Override
    public Material read(String secretId) throws UnusableSecret {
        try {
            return mirror("read " + secretId, () -> unchecked(() -> model.read(secretId)), () -> unchecked(() -> real.read(realId(secretId))),
                    MirroredCertificates::materialText);
        } catch (Unusable e) {
            throw e.cause;
        }
    }

    // ------------------------------------------------------------------ mirroring

    /** The real store, each of its calls signed as the caller. */
    @SuppressWarnings("unchecked")
    private static CertificateStore signed(CertificateStore real, java.util.function.Function<Supplier<Object>, Object> asCaller) {
        return new CertificateStore() {
            @Override
            public List<ManagedSecret> listManaged(Optional<String> namePrefix) {
                return (List<ManagedSecret>) asCaller.apply(() -> real.listManaged(namePrefix));
            }

            @Override
            public ManagedSecret describe(String secretId, Optional<String> namePrefix) {
                return (ManagedSecret) asCaller.apply(() -> real.describe(secretId, namePrefix));
            }

            @Override
            public Material read(String secretId) throws UnusableSecret {
                try {
                    return (Material) asCaller.apply(() -> unchecked(() -> real.read(secretId)));
                } catch (Unusable e) {
                    throw e.cause;
                }
            }
        };
    }

    private <T> T mirror(String call, Supplier<T> onModel, Supplier<T> onReal, java.util.function.Function<T, String> text) {
        model.takeLastFault();
        T answer = null;
        RuntimeException failed = null;
        Error killed = null;
        try {
            answer = onModel.get();
        } catch (RuntimeException e) {
            failed = e;
        } catch (Error e) {
            killed = e; // the process ended (the simulation's Killed)
        }
        FaultSeen fault = model.takeLastFault();
        switch (fault.phase()) {
            case BEFORE -> {
                if (killed != null) {
                    counts.notMadeKilled++;
                } else {
                    wire.failNext(attempts);
                    String real = outcome(onReal, text);
                    wire.failNext(0);
                    counts.failedAtTheWire++;
                    if (!real.equals("ServiceFailure TRANSIENT")) {
                        throw new MirroredLedger.Divergence("secrets " + call + ": failed at the wire on every attempt, the"
                                + " adapter answered " + real + " where the model fails with " + failureText(failed));
                    }
                }
            }
            case NONE -> {
                if (killed != null) {
                    throw killed; // not the store's: nothing to mirror
                }
                counts.compared++;
                String modelText = failed == null ? text.apply(answer) : failureText(failed);
                compare(call, modelText, outcome(onReal, text));
            }
            default -> throw new IllegalStateException("the secrets are only read: no fault after a call, " + fault.phase());
        }
        if (killed != null) {
            throw killed;
        }
        if (failed != null) {
            throw failed;
        }
        return answer;
    }

    private static <T> String outcome(Supplier<T> call, java.util.function.Function<T, String> text) {
        try {
            return text.apply(call.get());
        } catch (RuntimeException e) {
            return failureText(e);
        }
    }

    private static String failureText(RuntimeException failure) {
        if (failure instanceof ServiceFailure service) {
            // the model names what it fails, the adapter the code AWS answered: the kind is what the core acts on
            return "ServiceFailure " + service.kind() + (service.isTransient() ? "" : " " + service.code());
        }
        if (failure instanceof Unusable unusable) {
            return "UnusableSecret " + unusable.cause.getMessage();
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static void compare(String call, String model, String real) {
        if (!model.equals(real)) {
            throw new MirroredLedger.Divergence("secrets " + call + ":\n  model: " + model + "\n  real:  " + real);
        }
    }

    private List<ManagedSecret> learn(List<ManagedSecret> secrets) {
        secrets.forEach(s -> names.put(s.arn(), s.name()));
        return secrets;
    }

    private String realId(String secretId) {
        return names.getOrDefault(secretId, secretId);
    }

    private static String listText(List<ManagedSecret> secrets) {
        return secrets.stream().map(MirroredCertificates::secretText).sorted().toList().toString();
    }

    private static String secretText(ManagedSecret secret) {
        return secret.name() + " app=" + secret.app().orElse("-") + " domains=" + secret.domains().map(String::valueOf).orElse("-");
    }

    /** The PEM texts compared by their hash (a divergence prints no key), the version's time to the millisecond. */
    private static String materialText(Material material) {
        return "certificate#" + material.certificatePem().hashCode() + " key#" + material.privateKeyPem().hashCode()
                + " created=" + millis(material.versionCreated());
    }

    private static String millis(Instant instant) {
        // the wire carries seconds as a decimal number: rounded to the millisecond on both sides
        return instant == null ? "-" : Instant.ofEpochMilli(Math.round(instant.getEpochSecond() * 1000.0 + instant.getNano() / 1e6))
                .toString();
    }

    private interface Reading<T> {
        T get() throws UnusableSecret;
    }

    /** An {@link UnusableSecret} carried through a supplier. */
    private static final class Unusable extends RuntimeException {
        final UnusableSecret cause;

        Unusable(UnusableSecret cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    private static <T> T unchecked(Reading<T> reading) {
        try {
            return reading.get();
        } catch (UnusableSecret e) {
            throw new Unusable(e);
        }
    }
}
