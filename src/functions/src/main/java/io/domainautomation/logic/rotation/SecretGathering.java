package io.domainautomation.logic.rotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;

/**
 * Which secrets a run looks at, by app: every managed one, one secret and the others of its app (one of them may claim
 * the same domains), or those of one app's domain. A secret without the app tag is reported, not used.
 */
@ApplicationScoped
public class SecretGathering {

    /** The secrets by app, in name order; {@code onlySecret} is the one a secret-change trigger named. */
    public record Gathered(TreeMap<String, List<ManagedSecret>> byApp, Optional<String> onlySecret) {
    }

    private final CertificateStore secrets;
    private final Optional<String> namePrefix;

    @Inject
    public SecretGathering(CertificateStore secrets, RotationConfig config) {
        this(secrets, config.secretNamePrefix());
    }

    public SecretGathering(CertificateStore secrets, Optional<String> namePrefix) {
        this.secrets = secrets;
        this.namePrefix = namePrefix.filter(p -> !p.isBlank());
    }

    /** @throws ServiceFailure when the secrets could not be listed or described */
    public Gathered gather(RotationScope trigger, RotationReport.Builder report) {
        List<ManagedSecret> managed;
        Optional<String> onlySecret = Optional.empty();
        switch (trigger.scope()) {
            case ALL -> managed = secrets.listManaged(namePrefix);
            case SECRET -> {
                ManagedSecret named = secrets.describe(trigger.secretId().get(), namePrefix);
                onlySecret = Optional.of(named.arn());
                managed = named.managed() ? sameApp(named) : List.of(named);
            }
            case DOMAIN -> managed = secrets.listManaged(namePrefix).stream()
                    .filter(s -> s.app().get().equals(trigger.app().get()))
                    .filter(s -> s.domains().map(d -> d.contains(trigger.domain().get().ascii())).orElse(true))
                    .toList();
            default -> throw new IllegalStateException("unknown scope " + trigger.scope());
        }
        TreeMap<String, List<ManagedSecret>> byApp = new TreeMap<>();
        for (ManagedSecret secret : managed) {
            if (!secret.managed()) {
                report.add(Entry.of(secret.name(), null, null, Outcome.REJECTED, "not-managed",
                        "the secret has no " + CertificateStore.APP_TAG + " tag (or not the configured name prefix)"));
                continue;
            }
            byApp.computeIfAbsent(secret.app().get(), a -> new ArrayList<>()).add(secret);
        }
        return new Gathered(byApp, onlySecret);
    }

    private List<ManagedSecret> sameApp(ManagedSecret named) {
        List<ManagedSecret> all = new ArrayList<>(secrets.listManaged(namePrefix).stream()
                .filter(s -> s.app().equals(named.app())).toList());
        if (all.stream().noneMatch(s -> s.arn().equals(named.arn()))) {
            all.add(named);
        }
        return all;
    }
}
