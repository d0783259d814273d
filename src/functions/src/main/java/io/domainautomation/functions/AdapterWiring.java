package io.domainautomation.functions;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.domainautomation.aws.EventsConfig;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.scalingo.ScalingoConfig;

/** What logic needs from the adapters' settings, as logic's own types (logic reads no adapter's configuration). */
public class AdapterWiring {

    @Produces
    @Singleton
    AppHosts appHosts(ScalingoConfig scalingo, EventsConfig events) {
        return new AppHosts(scalingo.apiUrl(), events.appDomain());
    }
}
