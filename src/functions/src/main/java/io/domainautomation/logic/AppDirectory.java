package io.domainautomation.logic;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/**
 * One app, one identity: a name or an ID (Scalingo accepts both in every path) resolved to the app, so that what is
 * keyed, announced or pointed at uses its name whatever the caller's spelling. An app's name and ID never change:
 * each container asks Scalingo once per app (many customer domains usually go to one app).
 */
@ApplicationScoped
public class AppDirectory {

    /** More apps than this in one container's life: the cache starts again (it is only a saving). */
    static final int MAX_APPS = 10_000;

    private final AppsService apps;
    private final Map<String, App> known = new ConcurrentHashMap<>();

    public AppDirectory(AppsService apps) {
        this.apps = apps;
    }

    /** @throws ScalingoException as {@link AppsService#getApp}: 404 for an app that does not exist */
    public App resolve(String nameOrId, Deadline deadline) {
        App app = known.get(nameOrId);
        if (app != null) {
            return app;
        }
        app = apps.getApp(nameOrId, deadline);
        if (known.size() >= MAX_APPS) {
            known.clear();
        }
        known.put(app.name(), app);
        known.put(app.id(), app);
        return app;
    }
}
