package io.domainautomation.logic.rotation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.CertificateStore.ManagedSecret;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;

/**
 * Which secrets a run looks at, by app: every managed one, one secret and the others of its app (one of them may claim
 * the same domains), or those of one app's domain. A secret without the app tag is reported, not used. A tag may name
 * its app by name or by ID: both are the one app, named by its name from here on (its group of secrets, whose claims
 * are settled together, its ledger records, its events), as Scalingo's app list says; a tag Scalingo does not know
 * stays as written (its claims then meet an unknown app).
 */
@ApplicationScoped
public class SecretGathering {

    /** The secrets by app, in name order; {@code onlySecret} is the one a secret-change trigger named. */
    public record Gathered(TreeMap<String, List<ManagedSecret>> byApp, Optional<String> onlySecret) {
    }

    /**
     * How long a container uses the apps' names it listed, for secrets tagged by name only: a name resolves to the
     * same app listed now or 5 minutes ago, or to none (then Scalingo answers 404 either way); an ID, after a rename
     * (or an app made again under the old name), would not, so a tag that is not a listed name (an ID, or an app made
     * since) has the apps listed again at once.
     */
    static final Duration NAMES_KEPT = Duration.ofMinutes(5);

    /** The apps' names by their name in lower case: what a tag by name resolves to. */
    private record Names(Map<String, String> byLowerCaseName, java.util.Set<String> ids, Instant until) {
    }

    private final CertificateStore secrets;
    private final AppsService apps;
    private final Optional<String> namePrefix;
    private final Clock clock;
    private volatile Names listed;

    @Inject
    public SecretGathering(CertificateStore secrets, AppsService apps, RotationConfig config, Clock clock) {
        this(secrets, apps, config.secretNamePrefix(), clock);
    }

    public SecretGathering(CertificateStore secrets, AppsService apps, Optional<String> namePrefix, Clock clock) {
        this.secrets = secrets;
        this.apps = apps;
        this.namePrefix = namePrefix.filter(p -> !p.isBlank());
        this.clock = clock;
    }

    /**
     * @throws ServiceFailure when the secrets could not be listed or described
     * @throws ScalingoException when the apps could not be listed (the secrets' apps cannot be told apart)
     */
    public Gathered gather(RotationScope trigger, RotationReport.Builder report, Deadline deadline) {
        List<ManagedSecret> managed;
        Optional<String> onlySecret = Optional.empty();
        switch (trigger.scope()) {
            case ALL -> managed = identified(secrets.listManaged(namePrefix), deadline);
            case SECRET -> {
                ManagedSecret named = secrets.describe(trigger.secretId().get(), namePrefix);
                if (named.managed() && named.scheduledForDeletion()) {
                    // It declares nothing now: its app is settled among its other secrets, as a daily run would.
                    managed = sameApp(named, deadline).stream().filter(s -> !s.arn().equals(named.arn())).toList();
                    report.add(Entry.of(named.name(), null, null, Outcome.UNCHANGED, "scheduled-for-deletion",
                            "the secret is scheduled for deletion: it declares nothing; its app's other secrets were settled"));
                } else {
                    onlySecret = Optional.of(named.arn());
                    managed = named.managed() ? sameApp(named, deadline) : List.of(named);
                }
            }
            case DOMAIN -> {
                Map<String, String> names = appNames(deadline);
                List<ManagedSecret> all = identified(secrets.listManaged(namePrefix), names);
                String app = nameOf(trigger.app().get(), names).orElse(trigger.app().get());
                managed = all.stream()
                        .filter(s -> !s.managed() || s.app().get().equals(app))
                        .filter(s -> s.domains().map(d -> d.contains(trigger.domain().get().ascii())).orElse(true))
                        .toList();
            }
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

    private List<ManagedSecret> sameApp(ManagedSecret named, Deadline deadline) {
        List<ManagedSecret> listed = new ArrayList<>(secrets.listManaged(namePrefix));
        if (listed.stream().noneMatch(s -> s.arn().equals(named.arn()))) {
            listed.add(named);
        }
        List<ManagedSecret> all = identified(listed, deadline);
        Optional<String> app = all.stream().filter(s -> s.arn().equals(named.arn())).findFirst().flatMap(ManagedSecret::app);
        return all.stream().filter(s -> s.app().equals(app)).toList();
    }

    /** Every app's name, by its ID and by its name in lower case, from Scalingo's app list (kept {@link #NAMES_KEPT}). */
    private Map<String, String> appNames(Deadline deadline) {
        Map<String, String> names = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (App app : apps.listApps(deadline)) {
            names.put(app.id(), app.name());
            names.put(app.name().toLowerCase(Locale.ROOT), app.name());
            byName.put(app.name().toLowerCase(Locale.ROOT), app.name());
            ids.add(app.id());
        }
        listed = new Names(Map.copyOf(byName), java.util.Set.copyOf(ids), clock.instant().plus(NAMES_KEPT));
        return names;
    }

    /**
     * The names this container listed within {@link #NAMES_KEPT}, if every managed secret's tag is one of them (by
     * name, in any case): never for a tag by ID.
     */
    private Optional<Map<String, String>> keptNames(List<ManagedSecret> secrets) {
        Names kept = listed;
        if (kept == null || !clock.instant().isBefore(kept.until())) {
            return Optional.empty();
        }
        boolean allNames = secrets.stream().filter(ManagedSecret::managed).map(s -> s.app().get().trim())
                .allMatch(tag -> !kept.ids().contains(tag) && kept.byLowerCaseName().containsKey(tag.toLowerCase(Locale.ROOT)));
        return allNames ? Optional.of(kept.byLowerCaseName()) : Optional.empty();
    }

    private static Optional<String> nameOf(String tag, Map<String, String> names) {
        String trimmed = tag.trim();
        return Optional.ofNullable(names.getOrDefault(trimmed, names.get(trimmed.toLowerCase(Locale.ROOT))));
    }

    /**
     * The secrets with their app tags resolved to the one identity (the app's name); Scalingo listed only if needed:
     * some secret managed, and its app not among the names this container listed within {@link #NAMES_KEPT}.
     */
    private List<ManagedSecret> identified(List<ManagedSecret> listed, Deadline deadline) {
        if (listed.stream().noneMatch(ManagedSecret::managed)) {
            return listed;
        }
        return identified(listed, keptNames(listed).orElseGet(() -> appNames(deadline)));
    }

    private static List<ManagedSecret> identified(List<ManagedSecret> listed, Map<String, String> names) {
        return listed.stream().map(s -> s.managed() ? nameOf(s.app().get(), names).map(s::withApp).orElse(s) : s).toList();
    }
}
