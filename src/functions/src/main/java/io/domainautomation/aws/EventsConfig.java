package io.domainautomation.aws;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the lifecycle events go: an EventBridge bus (template.yaml sets EVENTS_BUS_NAME); none, no events. */
@ConfigMapping(prefix = "events")
public interface EventsConfig {

    /** The bus's name or ARN. */
    Optional<String> busName();

    /** The platform domain of the apps' hosts, for DNS instructions; read from the API's URL when absent. */
    Optional<String> appDomain();
}
