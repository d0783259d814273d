package io.domainautomation.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * A Scalingo platform in memory, as the contract (shared/reference/scalingo-domains-api.txt) and the platform facts
 * describe it: apps found by name or ID; domains with IDs, at most one canonical per app, a name linked to one app
 * only (422 {@code name: has already been taken}), at most {@value #DOMAIN_LIMIT} per app, Let's Encrypt on by default
 * and {@code new} after a link ({@code pending_dns} for one linked by hand) until a test moves it, {@code letsencrypt}
 * true only once a certificate is issued; a 404 for an unknown app or domain; an unlink refused with a 404 while the
 * name is still CNAME-ed to the app (when a test says so). Faults are injected through {@link Faults}.
 * It keeps no retry logic: what {@code ScalingoClient} retries, a service here sees.
 */
public final class InMemoryScalingo implements AppsService, DomainsService {

    public static final int DOMAIN_LIMIT = 20;

    private final Map<String, App> apps = new LinkedHashMap<>();
    private final Map<String, List<Domain>> domainsByAppId = new LinkedHashMap<>();
    private final Map<String, Boolean> refusesUnlink = new LinkedHashMap<>();
    private final Clock clock;
    private final Ticker ticker;
    private Duration oneRequest = ONE_REQUEST_AS_DEPLOYED;
    private Faults faults = Faults.NONE;
    private Observer observer = (operation, app, domain) -> {
    };
    private int nextId = 1;
    private HandObserver handObserver = (change, app, domain) -> {
    };
    private FaultSeen lastFault = FaultSeen.NONE;
    /** The certificate PEM last uploaded to each domain (app id + " " + name), while the domain carries it. */
    private final Map<String, String> uploaded = new LinkedHashMap<>();
    private final Map<String, Integer> calls = new LinkedHashMap<>();

    /** The deployed client's longest request: 3 s to connect, 5 s to read (set-canonical's is shorter). */
    public static final Duration ONE_REQUEST_AS_DEPLOYED = Duration.ofSeconds(8);

    public InMemoryScalingo(Clock clock, Ticker ticker) {
        this.clock = clock;
        this.ticker = ticker;
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    /** Told of every change the port applies (a link, an update, an unlink), as it is applied. */
    public interface Observer {
        void applied(String operation, App app, Domain domain);
    }

    public void observe(Observer observer) {
        this.observer = observer;
    }

    /** Told of every change made by hand (a test, the simulation's operators), after it is made. */
    public interface HandObserver {
        /** @param domain the domain as it is now, or as it was when it was unlinked; null for an app added */
        void changed(HandChange change, App app, Domain domain);
    }

    public enum HandChange { APP_ADDED, LINKED, UNLINKED, CHANGED }

    public void observeHands(HandObserver handObserver) {
        this.handObserver = handObserver;
    }

    /** Where the last fault thrown at a port call was thrown, and what: a mirror replays it at the wire. */
    public enum FaultPhase { NONE, BEFORE, AFTER }

    public record FaultSeen(FaultPhase phase, Throwable thrown) {
        static final FaultSeen NONE = new FaultSeen(FaultPhase.NONE, null);
    }

    /** The fault the last port call met (NONE if it met none), forgotten once read. */
    public synchronized FaultSeen takeLastFault() {
        FaultSeen seen = lastFault;
        lastFault = FaultSeen.NONE;
        return seen;
    }

    /** Every app, by name. */
    public synchronized List<String> appNames() {
        return apps.values().stream().map(App::name).sorted().toList();
    }

    /** A domain unlinked by someone else (by hand), no fault, no count. */
    public synchronized void unlinkByHand(String app, String name) {
        App found = find(app);
        List<Domain> domains = domainsByAppId.get(found.id());
        Optional<Domain> removed = Domain.named(domains, name);
        domains.removeIf(d -> d.name().equalsIgnoreCase(name));
        removed.ifPresent(d -> handObserver.changed(HandChange.UNLINKED, found, d));
    }

    // ----- what a test sets up and reads

    public synchronized App addApp(String name) {
        String id = id("app");
        App app = new App(id, name, "https://" + name + ".osc-fr1.scalingo.io", "https://" + name + ".osc-fr1.scalingo.io",
                "running", now());
        apps.put(id, app);
        domainsByAppId.put(id, new ArrayList<>());
        handObserver.changed(HandChange.APP_ADDED, app, null);
        return app;
    }

    /** A domain linked by someone else (by hand, the dashboard), created at {@code createdAt}. */
    public synchronized Domain seedDomain(String app, String name, OffsetDateTime createdAt) {
        App found = find(app);
        Domain domain = newDomain(found.id(), name, createdAt, false, true, "pending_dns");
        domainsByAppId.get(found.id()).add(domain);
        handObserver.changed(HandChange.LINKED, found, domain);
        return domain;
    }

    public synchronized void change(String app, String name, UnaryOperator<Domain> change) {
        List<Domain> domains = domainsByAppId.get(find(app).id());
        for (int i = 0; i < domains.size(); i++) {
            if (domains.get(i).name().equalsIgnoreCase(name)) {
                Domain changed = change.apply(domains.get(i));
                if (!java.util.Objects.equals(changed.tlscert(), domains.get(i).tlscert())) {
                    uploaded.remove(changed.appId() + " " + changed.name()); // someone else's certificate now
                }
                if (changed.isCanonical() && !domains.get(i).isCanonical()) {
                    uncanonical(domains); // one canonical domain per app, by hand too
                }
                domains.set(i, changed);
                handObserver.changed(HandChange.CHANGED, find(app), changed);
                return;
            }
        }
        throw new IllegalArgumentException("no domain " + name + " on " + app);
    }

    public synchronized void setLetsencryptStatus(String app, String name, String status) {
        change(app, name, d -> copy(d, d.canonical(), status, d.tlscert(), d.tlskey(), d.ssl(), d.validity()));
    }

    /** Scalingo refuses (404) to unlink a domain still CNAME-ed to its app. */
    public synchronized void refuseUnlink(String name, boolean refuse) {
        refusesUnlink.put(name.toLowerCase(Locale.ROOT), refuse);
    }

    public synchronized List<String> domainNames(String app) {
        return domainsByAppId.get(find(app).id()).stream().map(Domain::name).toList();
    }

    /** The certificate PEM the API last put on the domain, while it carries it (none after a change by hand). */
    public synchronized Optional<String> uploadedCertificate(String app, String name) {
        return Optional.ofNullable(uploaded.get(find(app).id() + " " + name.toLowerCase(Locale.ROOT)));
    }

    /** A domain by its ID, read by hand (no fault, no count); empty when the app has none of that ID. */
    public synchronized Optional<Domain> domainWithId(String app, String id) {
        return domainsByAppId.get(find(app).id()).stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** An app's domains, read by hand (no fault, no count). */
    public synchronized List<Domain> listDomainsByHand(String app) {
        return List.copyOf(domainsByAppId.get(find(app).id()));
    }

    /** Every app, read by hand. */
    public synchronized List<App> apps() {
        return apps.values().stream().map(this::shown).toList();
    }

    public synchronized Optional<Domain> domain(String app, String name) {
        return Domain.named(domainsByAppId.get(find(app).id()), name);
    }

    /** Which app holds a name, if any. */
    public synchronized Optional<String> holder(String name) {
        return domainsByAppId.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(d -> d.name().equalsIgnoreCase(name)))
                .map(e -> apps.get(e.getKey()).name()).findFirst();
    }

    public synchronized int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    public synchronized int writes() {
        return calls("linkDomain") + calls("updateDomain") + calls("unlinkDomain");
    }

    // ----- the port

    @Override
    public synchronized List<App> listApps(Deadline deadline) {
        enter("listApps", deadline);
        List<App> all = new ArrayList<>(apps.values().stream().map(this::shown).toList());
        all.sort(Comparator.comparing(App::name));
        after("scalingo.listApps");
        return all;
    }

    @Override
    public synchronized App getApp(String app, Deadline deadline) {
        enter("getApp", deadline);
        App found = shown(find(app));
        after("scalingo.getApp");
        return found;
    }

    @Override
    public synchronized List<Domain> listDomains(String app, Deadline deadline) {
        enter("listDomains", deadline);
        List<Domain> domains = List.copyOf(domainsByAppId.get(find(app).id()));
        after("scalingo.listDomains");
        return domains;
    }

    @Override
    public synchronized Domain linkDomain(String app, DomainChanges link, Deadline deadline) {
        enter("linkDomain", deadline);
        App found = find(app);
        List<Domain> domains = domainsByAppId.get(found.id());
        if (link.name() == null || link.name().isBlank()) {
            throw ScalingoException.reply(422, List.of(), Map.of("name", List.of("can't be blank")), null, null);
        }
        if (holder(link.name()).isPresent()) {
            throw ScalingoException.reply(422, List.of(), Map.of("name", List.of("has already been taken")), null, null);
        }
        if (domains.size() >= DOMAIN_LIMIT) {
            throw ScalingoException.reply(422, List.of(), Map.of("app", List.of("has reached the limit of " + DOMAIN_LIMIT
                    + " custom domains")), null, null);
        }
        boolean canonical = Boolean.TRUE.equals(link.canonical());
        if (canonical) {
            uncanonical(domains);
        }
        String name = link.name().toLowerCase(Locale.ROOT);
        // a new link's certificate request goes out at once ("new"); a wildcard's waits for its DNS-01 record
        Domain domain = newDomain(found.id(), name, now(), canonical, !Boolean.FALSE.equals(link.letsencryptEnabled()),
                name.startsWith("*.") ? "dns_required" : "new");
        if (link.tlscert() != null && !link.tlscert().isEmpty()) {
            domain = withCertificate(domain, link.tlscert(), link.tlskey());
        }
        domains.add(domain);
        observer.applied("linkDomain", found, domain);
        after("scalingo.linkDomain");
        return domain;
    }

    @Override
    public synchronized Domain updateDomain(String app, String domainId, DomainChanges changes, Deadline deadline) {
        enter("updateDomain", deadline);
        List<Domain> domains = domainsByAppId.get(find(app).id());
        int index = indexOf(domains, domainId);
        Domain domain = domains.get(index);
        if (changes.canonical() != null) {
            if (changes.canonical()) {
                uncanonical(domains);
            }
            domain = copy(domains.get(index), changes.canonical(), domain.letsencryptStatus(), domain.tlscert(),
                    domain.tlskey(), domain.ssl(), domain.validity());
        }
        if (changes.tlscert() != null) {
            domain = changes.tlscert().isEmpty() ? copy(domain, domain.canonical(), domain.letsencryptStatus(), null, null,
                    false, null) : withCertificate(domain, changes.tlscert(), changes.tlskey());
        }
        if (changes.letsencryptEnabled() != null) {
            domain = new Domain(domain.id(), domain.appId(), domain.name(), domain.createdAt(), domain.tlscert(),
                    domain.tlskey(), domain.ssl(), domain.sslStatus(), domain.validity(), domain.canonical(),
                    changes.letsencryptEnabled(), domain.letsencrypt(), domain.letsencryptStatus(), null, null, null, null);
        }
        domains.set(index, domain);
        observer.applied("updateDomain", find(app), domain);
        after("scalingo.updateDomain");
        return domain;
    }

    @Override
    public synchronized void unlinkDomain(String app, String domainId, Deadline deadline) {
        enter("unlinkDomain", deadline);
        List<Domain> domains = domainsByAppId.get(find(app).id());
        int index = indexOf(domains, domainId);
        if (refusesUnlink.getOrDefault(domains.get(index).name(), false)) {
            throw ScalingoException.reply(404, List.of("not found"), Map.of(), "domain", null);
        }
        Domain removed = domains.remove(index);
        observer.applied("unlinkDomain", find(app), removed);
        after("scalingo.unlinkDomain");
    }

    // ----- the rest

    /**
     * One request's longest time, as the client's connect and read timeouts make it (8 s as deployed): a call is
     * refused, as the client refuses to send it, with less than this left before its deadline.
     */
    public synchronized InMemoryScalingo oneRequest(Duration longest) {
        this.oneRequest = longest;
        return this;
    }

    @Override
    public synchronized Duration longestRequest() {
        return oneRequest;
    }

    private void enter(String operation, Deadline deadline) {
        calls.merge(operation, 1, Integer::sum);
        if (!deadline.allows(oneRequest, ticker)) {
            throw ScalingoException.tooLittleTime(operation, oneRequest);
        }
        try {
            faults.before("scalingo." + operation);
        } catch (RuntimeException | Error e) {
            lastFault = new FaultSeen(FaultPhase.BEFORE, e);
            throw e;
        }
    }

    private void after(String call) {
        try {
            faults.after(call);
        } catch (RuntimeException | Error e) {
            lastFault = new FaultSeen(FaultPhase.AFTER, e);
            throw e;
        }
    }

    /** An app as the API shows it: its {@code url} is its canonical domain's once one is set, {@code base_url} stays. */
    private App shown(App app) {
        return domainsByAppId.get(app.id()).stream().filter(Domain::isCanonical).findFirst()
                .map(d -> new App(app.id(), app.name(), "https://" + d.name(), app.baseUrl(), app.status(), app.createdAt()))
                .orElse(app);
    }

    private App find(String app) {
        return apps.values().stream().filter(a -> a.name().equals(app) || a.id().equals(app)).findFirst()
                .orElseThrow(() -> ScalingoException.reply(404, List.of("not found"), Map.of(), "app", null));
    }

    private static int indexOf(List<Domain> domains, String domainId) {
        for (int i = 0; i < domains.size(); i++) {
            if (domains.get(i).id().equals(domainId)) {
                return i;
            }
        }
        throw ScalingoException.reply(404, List.of("not found"), Map.of(), "domain", null);
    }

    private static void uncanonical(List<Domain> domains) {
        domains.replaceAll(d -> d.isCanonical() ? copy(d, false, d.letsencryptStatus(), d.tlscert(), d.tlskey(), d.ssl(),
                d.validity()) : d);
    }

    /** A domain as just linked: no certificate in use yet ({@code letsencrypt} false until one is issued). */
    private Domain newDomain(String appId, String name, OffsetDateTime createdAt, boolean canonical, boolean letsencrypt,
            String letsencryptStatus) {
        return new Domain(id("domain"), appId, name, createdAt, null, null, false, null, null, canonical, letsencrypt,
                false, letsencrypt ? letsencryptStatus : null, null, null, null, null);
    }

    /**
     * A custom certificate as Scalingo reports it: its subject (OpenSSL's one-line form) and its expiry, as read from
     * the certificate; a PEM that is not one (a test's placeholder) is reported by its hash, valid 90 days.
     */
    private Domain withCertificate(Domain domain, String pem, String keyPem) {
        uploaded.put(domain.appId() + " " + domain.name(), pem);
        String subject;
        OffsetDateTime validity;
        try {
            java.security.cert.X509Certificate leaf = io.domainautomation.logic.tls.PemBundle.parseCertificates(pem).get(0);
            subject = io.domainautomation.logic.tls.PemBundle.scalingoSubject(leaf);
            validity = OffsetDateTime.ofInstant(leaf.getNotAfter().toInstant(), ZoneOffset.UTC);
        } catch (io.domainautomation.logic.tls.CertificateProblem | RuntimeException notACertificate) {
            subject = "CN=" + domain.name() + " #" + pem.hashCode();
            validity = now().plusDays(90);
        }
        return copy(domain, domain.canonical(), domain.letsencryptStatus(), subject, keyDescription(keyPem), true, validity);
    }

    /** How Scalingo shows a key in {@code tlskey}: {@code EC private key - 256 bytes}, {@code RSA private key - 2048 bytes}. */
    private static String keyDescription(String keyPem) {
        try {
            java.security.PrivateKey key = io.domainautomation.logic.tls.PemBundle.parsePrivateKey(keyPem);
            int bits = key instanceof java.security.interfaces.RSAKey rsa ? rsa.getModulus().bitLength()
                    : key instanceof java.security.interfaces.ECKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 0;
            return (key instanceof java.security.interfaces.ECKey ? "EC" : key.getAlgorithm()) + " private key - " + bits + " bytes";
        } catch (io.domainautomation.logic.tls.CertificateProblem | RuntimeException notAKey) {
            return "RSA private key - 2048 bytes";
        }
    }

    private static Domain copy(Domain d, Boolean canonical, String letsencryptStatus, String tlscert, String tlskey,
            Boolean ssl, OffsetDateTime validity) {
        return new Domain(d.id(), d.appId(), d.name(), d.createdAt(), tlscert, tlskey, ssl, d.sslStatus(), validity,
                canonical, d.letsencryptEnabled(), d.letsencrypt(), letsencryptStatus, d.acmeDnsFqdn(), d.acmeDnsValue(),
                d.acmeDnsError(), d.acmeChallengeError());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private String id(String kind) {
        return String.format("%s-id-%04x", kind, nextId++); // never the shape of a name
    }
}
