package io.domainautomation.fakes;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * Certificate secrets in memory, as Secrets Manager keeps them: each with a name, an ARN, its tags, its AWSCURRENT
 * version (a new one on every {@link #put}) and its AWSPREVIOUS one; a secret created again after a deletion gets a new
 * ARN. A secret scheduled for deletion ({@link #scheduleDeletion}) is listed no more, describes as scheduled for
 * deletion (as {@code aws.CertificateSecrets} reads its {@code DeletedDate}), and refuses its value
 * (InvalidRequestException) and every change but {@link #restore}, as Secrets Manager does. Unknown secrets fail as
 * {@code ResourceNotFoundException}; other faults come through {@link Faults}. Every change is told to the
 * {@link Changes} listener (a fidelity run makes it on the sandbox's Secrets Manager too).
 */
public final class InMemoryCertificateStore implements CertificateStore {

    /** What happened to the secrets, told as it happens. */
    public interface Changes {
        Changes NONE = new Changes() {
        };

        /** A new secret ({@code created}: its ARN is new), or a new AWSCURRENT version of one, its tags replaced. */
        default void put(String name, String arn, boolean created, String certificatePem, String privateKeyPem,
                Map<String, String> tags) {
        }

        /** Tags added or replaced, no new version. */
        default void tagged(String name, Map<String, String> tags) {
        }

        default void scheduledForDeletion(String name) {
        }

        default void restored(String name) {
        }

        /** AWSCURRENT moved back to the AWSPREVIOUS version. */
        default void rolledBack(String name) {
        }

        /** Deleted without recovery. */
        default void deleted(String name) {
        }
    }

    private record Secret(String arn, String name, Map<String, String> tags, Material current, Material previous,
            Instant deletedAt) {
    }

    private final Map<String, Secret> byName = new LinkedHashMap<>();
    private final Clock clock;
    private final RecordedFaults faults = new RecordedFaults();
    private Changes changes = Changes.NONE;
    private int versions;
    private int created;

    public InMemoryCertificateStore(Clock clock) {
        this.clock = clock;
    }

    public void faults(Faults faults) {
        this.faults.use(faults);
    }

    /** The last fault a call met since this was last asked (a fidelity run's mirror injects it at the wire). */
    public InMemoryScalingo.FaultSeen takeLastFault() {
        return faults.take();
    }

    public void observe(Changes changes) {
        this.changes = changes;
    }

    /** Creates the secret, or puts a new current version in it; tags as given (app, domains). */
    public synchronized String put(String name, String certificatePem, String privateKeyPem, Map<String, String> tags) {
        Optional<Secret> old = Optional.ofNullable(byName.get(name));
        old.ifPresent(this::refuseIfScheduled);
        String arn = old.map(Secret::arn).orElseGet(() -> "arn:aws:secretsmanager:eu-west-3:000000000000:secret:" + name + "-"
                + String.format(Locale.ROOT, "%6s", Integer.toString(++created * 7919, 36)).replace(' ', 'a'));
        Material material = new Material(certificatePem, privateKeyPem, "v" + (++versions), clock.instant());
        byName.put(name, new Secret(arn, name, Collections.unmodifiableMap(new LinkedHashMap<>(tags)), material,
                old.map(Secret::current).orElse(null), null));
        changes.put(name, arn, old.isEmpty(), certificatePem, privateKeyPem, tags);
        return arn;
    }

    /** TagResource: these tags added or replaced; no new version. */
    public synchronized void tag(String name, Map<String, String> tags) {
        Secret secret = byName.get(name);
        refuseIfScheduled(secret);
        Map<String, String> merged = new LinkedHashMap<>(secret.tags());
        merged.putAll(tags);
        byName.put(name, new Secret(secret.arn(), name, Collections.unmodifiableMap(merged), secret.current(),
                secret.previous(), secret.deletedAt()));
        changes.tagged(name, tags);
    }

    /** DeleteSecret with a recovery window. */
    public synchronized void scheduleDeletion(String name) {
        Secret secret = byName.get(name);
        byName.put(name, new Secret(secret.arn(), name, secret.tags(), secret.current(), secret.previous(), clock.instant()));
        changes.scheduledForDeletion(name);
    }

    /** RestoreSecret. */
    public synchronized void restore(String name) {
        Secret secret = byName.get(name);
        byName.put(name, new Secret(secret.arn(), name, secret.tags(), secret.current(), secret.previous(), null));
        changes.restored(name);
    }

    /** AWSCURRENT moved back to the AWSPREVIOUS version (which becomes AWSPREVIOUS's holder in turn); false if none. */
    public synchronized boolean rollBack(String name) {
        Secret secret = byName.get(name);
        refuseIfScheduled(secret);
        if (secret.previous() == null) {
            return false;
        }
        byName.put(name, new Secret(secret.arn(), name, secret.tags(), secret.previous(), secret.current(), secret.deletedAt()));
        changes.rolledBack(name);
        return true;
    }

    /** What Secrets Manager refuses on a secret scheduled for deletion: a history asking it is wrong. */
    private void refuseIfScheduled(Secret secret) {
        if (secret.deletedAt() != null) {
            throw new IllegalStateException(secret.name() + " is scheduled for deletion: Secrets Manager refuses the change");
        }
    }

    /** The names of every secret held, scheduled for deletion or not. */
    public synchronized List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public synchronized boolean scheduledForDeletion(String name) {
        return byName.containsKey(name) && byName.get(name).deletedAt() != null;
    }

    /** DeleteSecret without recovery: gone at once. */
    public synchronized void delete(String name) {
        byName.remove(name);
        changes.deleted(name);
    }

    @Override
    public synchronized List<ManagedSecret> listManaged(Optional<String> namePrefix) {
        faults.before("secrets.listManaged");
        List<ManagedSecret> managed = new ArrayList<>();
        for (Secret secret : byName.values()) {
            ManagedSecret described = describe(secret, namePrefix);
            if (secret.deletedAt() == null && described.managed() && secret.tags().containsKey(APP_TAG)) {
                managed.add(described);
            }
        }
        return managed;
    }

    @Override
    public synchronized ManagedSecret describe(String secretId, Optional<String> namePrefix) {
        faults.before("secrets.describe");
        return describe(find(secretId, "DescribeSecret"), namePrefix);
    }

    /** Faults see {@code "secrets.read <name>"}: a test may fail one secret's reads. */
    @Override
    public synchronized Material read(String secretId) {
        Secret secret = find(secretId, "GetSecretValue");
        faults.before("secrets.read " + secret.name());
        if (secret.deletedAt() != null) {
            throw new ServiceFailure("Secrets Manager GetSecretValue", "InvalidRequestException", ServiceFailure.Kind.REFUSED, null);
        }
        return secret.current();
    }

    private Secret find(String secretId, String action) {
        return byName.values().stream().filter(s -> s.arn().equals(secretId) || s.name().equals(secretId)).findFirst()
                .orElseThrow(() -> new ServiceFailure("Secrets Manager " + action, "ResourceNotFoundException",
                        ServiceFailure.Kind.NOT_FOUND, null));
    }

    private static ManagedSecret describe(Secret secret, Optional<String> namePrefix) {
        Optional<String> app = Optional.ofNullable(secret.tags().get(APP_TAG)).map(String::trim).filter(a -> !a.isEmpty());
        Optional<List<String>> domains = Optional.ofNullable(secret.tags().get(DOMAINS_TAG)).map(String::trim)
                .filter(d -> !d.isEmpty()).map(d -> List.of(d.toLowerCase(Locale.ROOT).split("\\s+")));
        if (namePrefix.isPresent() && !secret.name().startsWith(namePrefix.get())) {
            app = Optional.empty();
            domains = Optional.empty();
        }
        return new ManagedSecret(secret.arn(), secret.name(), app, domains, secret.deletedAt() != null);
    }
}
