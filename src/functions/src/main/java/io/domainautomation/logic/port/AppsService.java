package io.domainautomation.logic.port;

import java.util.List;

/**
 * Scalingo's apps, as the services need them (go-scalingo's {@code AppsService}). Implemented by
 * {@code scalingo.ScalingoClient}; in tests by an in-memory platform. Every failure is a {@link ScalingoException};
 * every call keeps to the deadline it is given.
 */
public interface AppsService {

    /** Every app the token sees, all pages. */
    List<App> listApps(Deadline deadline);

    /** One app, by name or ID. */
    App getApp(String app, Deadline deadline);
}
