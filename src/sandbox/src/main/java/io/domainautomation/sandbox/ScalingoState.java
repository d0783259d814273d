package io.domainautomation.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.sandbox.SandboxRecords.SandboxApp;
import io.domainautomation.sandbox.SandboxRecords.SandboxDomain;

/**
 * Scalingo's platform as its regional API shows it: apps, their custom domains, and the region they run in. Every
 * method that reads or changes apps and domains holds this object's monitor, and {@link ScalingoRoutes} holds it
 * across a link's check-and-insert, so concurrent links of one name cannot both win.
 */
final class ScalingoState {

    /** How many custom domains an app may have. */
    static final int DOMAIN_LIMIT = 20;

    private final Clock systemClock;
    private volatile Clock clock;
    private final Map<String, SandboxApp> appsById = new LinkedHashMap<>();
    private final Map<String, Map<String, SandboxDomain>> domainsByApp = new HashMap<>();
    private String region = "osc-fr1";

    ScalingoState(Clock clock) {
        this.systemClock = clock;
        this.clock = clock;
    }

    /** The platform's time from now on (a simulation's clock); {@link #reset()} gives back the sandbox's own. */
    void clock(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    String region() {
        return region;
    }

    synchronized void region(String name) {
        region = name;
    }

    /** Forgets every app and domain; the region stays. */
    synchronized void reset() {
        appsById.clear();
        domainsByApp.clear();
        clock = systemClock;
    }

    // --- apps ----------------------------------------------------------------------------------------------------

    synchronized SandboxApp addApp(String name) {
        return addApp(SandboxState.newId(), name, now());
    }

    synchronized SandboxApp addApp(String id, String name, Instant createdAt) {
        SandboxApp app = new SandboxApp(id, name, createdAt);
        appsById.put(id, app);
        domainsByApp.put(id, new LinkedHashMap<>());
        return app;
    }

    synchronized List<SandboxApp> apps() {
        return new ArrayList<>(appsById.values());
    }

    /** An app by ID or name, as the API accepts either. */
    synchronized Optional<SandboxApp> app(String idOrName) {
        SandboxApp byId = appsById.get(idOrName);
        if (byId != null) {
            return Optional.of(byId);
        }
        return appsById.values().stream().filter(a -> a.name().equals(idOrName)).findFirst();
    }

    // --- domains -------------------------------------------------------------------------------------------------

    synchronized Collection<SandboxDomain> domains(SandboxApp app) {
        return new ArrayList<>(domainsByApp.get(app.id()).values());
    }

    synchronized Optional<SandboxDomain> domain(SandboxApp app, String id) {
        return Optional.ofNullable(domainsByApp.get(app.id()).get(id));
    }

    /** Where a hostname is linked already, on any app. */
    synchronized Optional<SandboxDomain> domainNamed(String name) {
        return domainsByApp.values().stream().flatMap(m -> m.values().stream())
                .filter(d -> d.name.equalsIgnoreCase(name)).findFirst();
    }

    synchronized SandboxDomain putDomain(SandboxApp app, String name, Instant createdAt) {
        SandboxDomain domain = new SandboxDomain(SandboxState.newId(), app.id(), name, createdAt);
        domainsByApp.get(app.id()).put(domain.id, domain);
        return domain;
    }

    synchronized void makeCanonical(SandboxApp app, SandboxDomain chosen) {
        domainsByApp.get(app.id()).values().forEach(d -> d.canonical = d == chosen);
    }

    synchronized boolean removeDomain(SandboxApp app, String id) {
        return domainsByApp.get(app.id()).remove(id) != null;
    }

    // --- fixtures and reads for tests ----------------------------------------------------------------------------

    /** Seeds a domain directly (tests and fixtures), bypassing the API and its counters. */
    synchronized String seedDomain(String appName, String domainName, Instant createdAt, String letsencryptStatus,
            boolean canonical) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        SandboxDomain domain = putDomain(app, domainName, createdAt);
        domain.letsencryptStatus = letsencryptStatus;
        if (canonical) {
            makeCanonical(app, domain);
        }
        return domain.id;
    }

    /** Marks a seeded domain as still CNAME-ed to its app: its DELETE answers 404, as Scalingo's does. */
    synchronized void stillCnamed(String appName, String domainName, boolean still) {
        seededDomain(appName, domainName).stillCnamed = still;
    }

    /** Gives a seeded domain a Let's Encrypt certificate valid until {@code validity} (status "created"). */
    synchronized void letsencryptCertificate(String appName, String domainName, Instant validity) {
        SandboxDomain domain = seededDomain(appName, domainName);
        domain.letsencryptStatus = "created";
        domain.letsencryptValidity = validity;
    }

    private SandboxDomain seededDomain(String appName, String domainName) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        return domainsByApp.get(app.id()).values().stream().filter(d -> d.name.equals(domainName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no domain " + domainName + " of " + appName));
    }

    /** Someone unlinks a domain by hand (the dashboard): no counter, no fault. */
    synchronized void unlinkByHand(String appName, String domainName) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        SandboxDomain domain = seededDomain(appName, domainName);
        domainsByApp.get(app.id()).remove(domain.id);
    }

    /**
     * Someone changes a domain by hand: canonical or not, Let's Encrypt on or off, its status and its certificate's
     * end (null: none issued).
     */
    synchronized void changeByHand(String appName, String domainName, boolean canonical, boolean letsencryptEnabled,
            String letsencryptStatus, Instant letsencryptValidity) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        SandboxDomain domain = seededDomain(appName, domainName);
        if (canonical) {
            makeCanonical(app, domain);
        } else {
            domain.canonical = false;
        }
        domain.letsencryptEnabled = letsencryptEnabled;
        domain.letsencryptStatus = letsencryptStatus;
        domain.letsencryptValidity = letsencryptValidity;
    }

    /** A domain's ID, by its app's and its own name. */
    synchronized Optional<String> domainId(String appName, String domainName) {
        return app(appName).flatMap(app -> domainsByApp.get(app.id()).values().stream()
                .filter(d -> d.name.equalsIgnoreCase(domainName)).findFirst().map(d -> d.id));
    }

    /** Someone changes a domain's certificate by hand (the console, the CLI): what Scalingo then reports. */
    synchronized void certificateChangedByHand(String appName, String domainName, String subject, Instant validity,
            String keyDescription) {
        SandboxDomain domain = seededDomain(appName, domainName);
        domain.tlscertSubject = subject;
        domain.validity = validity;
        domain.tlskeyDescription = keyDescription;
    }

    /** The names of an app's domains, and which is canonical, read without touching counters. */
    synchronized Map<String, Boolean> domainNames(String appName) {
        SandboxApp app = app(appName).orElseThrow();
        Map<String, Boolean> names = new LinkedHashMap<>();
        domainsByApp.get(app.id()).values().forEach(d -> names.put(d.name, d.canonical));
        return names;
    }

    /** The subject of the custom certificate a domain carries, read without touching counters. */
    synchronized Optional<String> certificateSubject(String appName, String domainName) {
        SandboxApp app = app(appName).orElseThrow();
        return domainsByApp.get(app.id()).values().stream().filter(d -> d.name.equals(domainName))
                .findFirst().map(d -> d.tlscertSubject);
    }
}
