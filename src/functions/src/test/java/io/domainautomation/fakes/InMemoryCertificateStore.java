package io.domainautomation.fakes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * Certificate secrets in memory: each with a name, an ARN, its tags and its current version's certificate and key
 * (a new version on every {@link #put}). Unknown secrets fail as Secrets Manager's {@code ResourceNotFoundException};
 * other faults come through {@link Faults}.
 */
public final class InMemoryCertificateStore implements CertificateStore {

    private record Secret(String arn, String name, Map<String, String> tags, Material current) {
    }

    private final Map<String, Secret> byName = new LinkedHashMap<>();
    private final Clock clock;
    private Faults faults = Faults.NONE;
    private int versions;

    public InMemoryCertificateStore(Clock clock) {
        this.clock = clock;
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    /** Creates the secret, or puts a new current version in it; tags as given (app, domains). */
    public synchronized String put(String name, String certificatePem, String privateKeyPem, Map<String, String> tags) {
        String arn = Optional.ofNullable(byName.get(name)).map(Secret::arn)
                .orElse("arn:aws:secretsmanager:eu-west-3:000000000000:secret:" + name + "-AbCdEf");
        Material material = new Material(certificatePem, privateKeyPem, "v" + (++versions), clock.instant());
        byName.put(name, new Secret(arn, name, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags)), material));
        return arn;
    }

    public synchronized void delete(String name) {
        byName.remove(name);
    }

    @Override
    public synchronized List<ManagedSecret> listManaged(Optional<String> namePrefix) {
        faults.before("secrets.listManaged");
        List<ManagedSecret> managed = new ArrayList<>();
        for (Secret secret : byName.values()) {
            ManagedSecret described = describe(secret, namePrefix);
            if (described.managed() && secret.tags().containsKey(APP_TAG)) {
                managed.add(described);
            }
        }
        return managed;
    }

    @Override
    public synchronized ManagedSecret describe(String secretId, Optional<String> namePrefix) {
        faults.before("secrets.describe");
        return describe(find(secretId), namePrefix);
    }

    /** Faults see {@code "secrets.read <name>"}: a test may fail one secret's reads. */
    @Override
    public synchronized Material read(String secretId) {
        Secret secret = find(secretId);
        faults.before("secrets.read " + secret.name());
        return secret.current();
    }

    private Secret find(String secretId) {
        return byName.values().stream().filter(s -> s.arn().equals(secretId) || s.name().equals(secretId)).findFirst()
                .orElseThrow(() -> new ServiceFailure("Secrets Manager GetSecretValue", "ResourceNotFoundException",
                        ServiceFailure.Kind.NOT_FOUND, null));
    }

    private static ManagedSecret describe(Secret secret, Optional<String> namePrefix) {
        Optional<String> app = Optional.ofNullable(secret.tags().get(APP_TAG)).map(String::trim).filter(a -> !a.isEmpty());
        Optional<List<String>> domains = Optional.ofNullable(secret.tags().get(DOMAINS_TAG)).map(String::trim)
                .filter(d -> !d.isEmpty()).map(d -> List.of(d.toLowerCase().split("\\s+")));
        if (namePrefix.isPresent() && !secret.name().startsWith(namePrefix.get())) {
            app = Optional.empty();
            domains = Optional.empty();
        }
        return new ManagedSecret(secret.arn(), secret.name(), app, domains);
    }
}
