package io.domainautomation.logic.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.domainautomation.logic.port.Domain;

/**
 * What the customer must set in their DNS for a linked domain, from Scalingo's answer, pure: a CNAME to the app's
 * host for a subdomain; for an apex (which cannot carry a CNAME), an ALIAS/ANAME to that host where the DNS provider
 * offers one; for a wildcard with Let's Encrypt, also the DNS-01 TXT record Scalingo asks for.
 */
public final class DnsInstructions {

    private static final java.util.regex.Pattern REGIONAL_API = java.util.regex.Pattern.compile("^https?://api\\.([a-z0-9-]+)\\.scalingo\\.com");

    private DnsInstructions() {
    }

    /**
     * An app's host on the platform: {@code <app>.<region>.scalingo.io}, the region read from the regional API's URL
     * ({@code https://api.osc-fr1.scalingo.com}), unless configured ({@code EVENTS_APP_DOMAIN}).
     */
    public static String appHost(String app, String apiUrl, java.util.Optional<String> appDomain) {
        String domain = appDomain.filter(d -> !d.isBlank()).orElseGet(() -> {
            java.util.regex.Matcher regional = REGIONAL_API.matcher(apiUrl);
            return regional.find() ? regional.group(1) + ".scalingo.io" : "osc-fr1.scalingo.io";
        });
        return app + "." + domain;
    }

    /**
     * @param appHost the app's host on the platform, e.g. {@code my-app.osc-fr1.scalingo.io}
     */
    public static Map<String, Object> of(Domain domain, String appHost) {
        Map<String, Object> instructions = forName(domain.name(), appHost);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) instructions.get("records");
        boolean wildcard = domain.name().startsWith("*.");
        if (wildcard && domain.acmeDnsFqdn() != null && domain.acmeDnsValue() != null) {
            records.add(record("TXT", domain.acmeDnsFqdn(), domain.acmeDnsValue()));
            instructions.put("letsencrypt", "Let's Encrypt validates a wildcard by DNS: create the TXT record");
            if (domain.acmeDnsError() != null && !domain.acmeDnsError().isNull() && !domain.acmeDnsError().isEmpty()) {
                instructions.put("acmeDnsError", domain.acmeDnsError().toString());
            }
            instructions.put("records", instructions.remove("records")); // last, as before the name alone was described
        }
        return instructions;
    }

    /** The records that point a name at the app, before Scalingo knows the name (no Let's Encrypt record yet). */
    public static Map<String, Object> forName(String name, String appHost) {
        boolean wildcard = name.startsWith("*.");
        String bare = wildcard ? name.substring(2) : name;
        boolean apex = !wildcard && bare.split("\\.").length == 2;
        List<Map<String, Object>> records = new ArrayList<>();
        Map<String, Object> instructions = new LinkedHashMap<>();
        if (apex) {
            instructions.put("kind", "apex");
            records.add(record("ALIAS", name, appHost));
            instructions.put("note", "An apex cannot have a CNAME: use an ALIAS or ANAME record to " + appHost
                    + " where your DNS provider offers one; otherwise point a subdomain (www) at it and redirect the apex,"
                    + " since the platform's addresses may change.");
        } else {
            instructions.put("kind", wildcard ? "wildcard" : "subdomain");
            records.add(record("CNAME", name, appHost));
        }
        instructions.put("records", records);
        return instructions;
    }

    static Map<String, Object> record(String type, String name, String value) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("type", type);
        record.put("name", name);
        record.put("value", value);
        return record;
    }
}
