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
 * their app and domains tags, whether they are scheduled for deletion, their PEM texts and their versions' creation
 * times (to the millisecond). ARNs and version ids each side makes its own: the core is given the model's; each model
 * ARN is paired with the real one when the secret is created ({@link #created}), so a call naming an ARN reaches the
 * same secret on both sides (an ARN of a secret deleted and created again reaches nothing on either); and the versions
 * read are paired one to one (a model version read as two real ones, or the reverse, is a divergence). The histories'
 * changes to the secrets are made on the sandbox's Secrets Manager over the wire by the fidelity run.
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
    /** Model ARN to real ARN, paired at each creation. */
    private final Map<String, String> arns = new HashMap<>();
    /** Model version id to real version id, and back, paired as they are read. */
    private final Map<String, String> versions = new HashMap<>();
    private final Map<String, String> versionsBack = new HashMap<>();

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

    /** A secret created: its model ARN and the real one name the same secret from now on. */
    public void created(String modelArn, String realArn) {
        String before = arns.put(modelArn, realArn);
        if (before != null) {
            throw new MirroredLedger.Divergence("secrets: the model gave ARN " + modelArn + " to a second secret");
        }
    }

    /**
     * Everything both hold once the history is over, read again without faults: the managed secrets listed, and every
     * secret the model holds (those scheduled for deletion included) described and, when not scheduled, read.
     */
    public void compareStored() {
        counts.storedCompared++;
        compare("stored secrets", listText(model.listManaged(Optional.empty())), listText(real.listManaged(Optional.empty())));
        for (String name : model.names()) {
            ManagedSecret described = model.describe(name, Optional.empty());
            compare("stored secret " + name, secretText(described), secretText(real.describe(name, Optional.empty())));
            if (!described.scheduledForDeletion()) {
                try {
                    Material modelMaterial = model.read(name);
                    Material realMaterial = real.read(name);
                    compare("stored value of " + name, materialText(modelMaterial), materialText(realMaterial));
                    pairVersions(name, modelMaterial, realMaterial);
                } catch (UnusableSecret e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the port

    @Override
    public List<ManagedSecret> listManaged(Optional<String> namePrefix) {
        return mirror("listManaged", () -> model.listManaged(namePrefix), () -> real.listManaged(namePrefix),
                MirroredCertificates::listText, (m, r) -> {
                });
    }

    @Override
    public ManagedSecret describe(String secretId, Optional<String> namePrefix) {
        return mirror("describe " + secretId, () -> model.describe(secretId, namePrefix),
                () -> real.describe(realId(secretId), namePrefix), MirroredCertificates::secretText, (m, r) -> {
                });
    }

    @Override
    public Material read(String secretId) throws UnusableSecret {
        try {
            return mirror("read " + secretId, () -> unchecked(() -> model.read(secretId)), () -> unchecked(() -> real.read(realId(secretId))),
                    MirroredCertificates::materialText, (m, r) -> pairVersions(secretId, m, r));
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

    private <T> T mirror(String call, Supplier<T> onModel, Supplier<T> onReal, java.util.function.Function<T, String> text,
            java.util.function.BiConsumer<T, T> pair) {
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
                T[] realAnswer = newHolder();
                compare(call, modelText, outcome(() -> realAnswer[0] = onReal.get(), text));
                if (failed == null) {
                    pair.accept(answer, realAnswer[0]);
                }
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

    @SuppressWarnings("unchecked")
    private static <T> T[] newHolder() {
        return (T[]) new Object[1];
    }

    /** A model ARN is the real ARN paired with it at creation; a name is the same name on both sides. */
    private String realId(String secretId) {
        if (!secretId.startsWith("arn:")) {
            return secretId;
        }
        String realArn = arns.get(secretId);
        if (realArn == null) {
            throw new MirroredLedger.Divergence("secrets: the core named ARN " + secretId + ", which the model never made");
        }
        return realArn;
    }

    /** One model version is one real version, both ways. */
    private void pairVersions(String secretId, Material modelMaterial, Material realMaterial) {
        String real = versions.putIfAbsent(modelMaterial.versionId(), realMaterial.versionId());
        String back = versionsBack.putIfAbsent(realMaterial.versionId(), modelMaterial.versionId());
        if ((real != null && !real.equals(realMaterial.versionId())) || (back != null && !back.equals(modelMaterial.versionId()))) {
            throw new MirroredLedger.Divergence("secrets read " + secretId + ": the model's version " + modelMaterial.versionId()
                    + " read as the real version " + realMaterial.versionId() + ", paired before with " + real + " / " + back);
        }
    }

    private static String listText(List<ManagedSecret> secrets) {
        return secrets.stream().map(MirroredCertificates::secretText).sorted().toList().toString();
    }

    private static String secretText(ManagedSecret secret) {
        return secret.name() + " app=" + secret.app().orElse("-") + " domains=" + secret.domains().map(String::valueOf).orElse("-")
                + (secret.scheduledForDeletion() ? " scheduled-for-deletion" : "");
    }

    /** The PEM texts compared by their digest (a divergence prints no key), the version's time to the millisecond. */
    private static String materialText(Material material) {
        return "certificate#" + digest(material.certificatePem()) + " key#" + digest(material.privateKeyPem())
                + " created=" + millis(material.versionCreated());
    }

    private static String digest(String text) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
