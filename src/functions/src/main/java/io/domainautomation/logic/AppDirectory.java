package io.domainautomation.logic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/**
 * One app, one identity: a name or an ID (Scalingo accepts both in every path) resolved to the app, so that what is
 * keyed, announced or pointed at uses its name whatever the caller's spelling, and Scalingo is called with its ID
 * (which a rename does not change). Each container asks Scalingo once per app per {@link #KEPT} (many customer
 * domains usually go to one app); an app renamed, or deleted and made again under its name, is seen within that
 * time, or at once by a caller that {@link #forget}s it on a 404.
 */
public class AppDirectory {

    /** How long a resolution is used: a rename shows in the events within this time. */
    static final Duration KEPT = Duration.ofMinutes(5);
    /** More apps than this in one container's life: the cache starts again (it is only a saving). */
    static final int MAX_APPS = 10_000;

    private record Known(App app, Instant until) {
    }

    private final AppsService apps;
    private final Clock clock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    public AppDirectory(AppsService apps, Clock clock) {
        this.apps = apps;
        this.clock = clock;
    }

    /** @throws ScalingoException as {@link AppsService#getApp}: 404 for an app that does not exist */
    public App resolve(String nameOrId, Deadline deadline) {
        Known cached = known.get(nameOrId);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.until())) {
            return cached.app();
        }
        App app = apps.getApp(nameOrId, deadline);
        if (known.size() >= MAX_APPS) {
            known.clear();
        }
        Known fresh = new Known(app, now.plus(KEPT));
        known.put(nameOrId, fresh);
        known.put(app.name(), fresh);
        known.put(app.id(), fresh);
        return app;
    }

    /** The app, when this container resolved it within {@link #KEPT}: no call to Scalingo. */
    public java.util.Optional<App> known(String nameOrId) {
        Known cached = known.get(nameOrId);
        return cached != null && clock.instant().isBefore(cached.until()) ? java.util.Optional.of(cached.app())
                : java.util.Optional.empty();
    }

    /** Whether a resolution of this spelling is cached (a 404 on it may be a stale resolution, not a missing app). */
    public boolean isCached(String nameOrId) {
        Known cached = known.get(nameOrId);
        return cached != null && clock.instant().isBefore(cached.until());
    }

    public void forget(String nameOrId) {
        Known cached = known.remove(nameOrId);
        if (cached != null) {
            known.remove(cached.app().name());
            known.remove(cached.app().id());
        }
    }
}
