package io.domainautomation.scalingo;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How long one request to Scalingo can take at its longest: its REST client's connect timeout plus its read timeout
 * (milliseconds, as Quarkus' REST client takes them). A request is started only with at least this much left before
 * the invocation's deadline, since nothing can cut it shorter once it is sent.
 */
@ApplicationScoped
public class RequestTimeouts {

    private final Duration apiRequest;
    private final Duration exchange;

    RequestTimeouts(@ConfigProperty(name = "quarkus.rest-client.scalingo-api.connect-timeout") long apiConnectMillis,
            @ConfigProperty(name = "quarkus.rest-client.scalingo-api.read-timeout") long apiReadMillis,
            @ConfigProperty(name = "quarkus.rest-client.scalingo-auth.connect-timeout") long authConnectMillis,
            @ConfigProperty(name = "quarkus.rest-client.scalingo-auth.read-timeout") long authReadMillis) {
        this.apiRequest = Duration.ofMillis(apiConnectMillis + apiReadMillis);
        this.exchange = Duration.ofMillis(authConnectMillis + authReadMillis);
    }

    /** One request to the regional API (apps, domains). */
    public Duration apiRequest() {
        return apiRequest;
    }

    /** One exchange of the API token for a bearer (the auth service). */
    public Duration exchange() {
        return exchange;
    }
}
