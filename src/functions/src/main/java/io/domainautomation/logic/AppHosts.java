package io.domainautomation.logic;

import java.util.Optional;

import io.domainautomation.logic.events.DnsInstructions;

/**
 * Where an app lives on the platform, for DNS instructions: {@code <app>.<region>.scalingo.io}, the region read from
 * the regional API's URL unless the platform domain is configured ({@code EVENTS_APP_DOMAIN}).
 */
public record AppHosts(String apiUrl, Optional<String> appDomain) {

    public String of(String app) {
        return DnsInstructions.appHost(app, apiUrl, appDomain);
    }
}
