package io.domainautomation.simulation;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.InMemoryScalingo.FaultSeen;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * A fidelity run's Scalingo: each call of the core goes to the in-memory platform the simulation injects its faults
 * into (its answer is what the core gets) and to the real client, over HTTP to the sandbox, which meets the same fault
 * at the wire: a 5xx before the change fails every attempt there with a 500; a 429 is one 429 with a {@code Retry-After}
 * longer than the client waits; a timeout is every attempt's connection dropped; a reply lost after the change was
 * applied is the sandbox applying it and dropping the connection, then either every retry dropped too (the client
 * cannot learn the change was made) or, where the model says the retry met the change (an unlink answered 404), the
 * retry made. A process killed before a call makes no
 * real call; killed after one, the real call is made and its answer ignored. Every answer is compared, failures by
 * kind; the core's domain IDs are the model's, so the real call is given the sandbox's ID of the same name.
 */
public final class MirroredScalingo implements AppsService, DomainsService {

    /** How the real client's requests are failed at the wire (the sandbox's faults). */
    public interface WireFaults {
        /** The next {@code requests} requests answer 500. */
        void failNext(int requests);

        /** The next request answers 429 with a {@code Retry-After} longer than the client's retry window. */
        void rateLimitNext();

        /** The next {@code requests} requests have their connection dropped before anything is done. */
        void dropNext(int requests);

        /** The next request is carried out and its reply lost; the {@code requests} after it are dropped. */
        void loseNextReplyThenDrop(int requests);

        /** The next request is carried out and its reply lost; the client's retries then reach the platform. */
        void loseNextReply();

        /** No fault left pending. */
        void clear();
    }

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedAtTheWire;
        public long failed5xx;
        public long failed429;
        public long failedDropped;
        public long lostAtTheWire;
        public long lostThenRetried;
        public long notMadeKilled;
        public long madeThenKilled;
        public long storedCompared;

        public void add(Counts other) {
            compared += other.compared;
            failedAtTheWire += other.failedAtTheWire;
            failed5xx += other.failed5xx;
            failed429 += other.failed429;
            failedDropped += other.failedDropped;
            lostAtTheWire += other.lostAtTheWire;
            lostThenRetried += other.lostThenRetried;
            notMadeKilled += other.notMadeKilled;
            madeThenKilled += other.madeThenKilled;
            storedCompared += other.storedCompared;
        }
    }

    /** More requests than the client makes for one call, its retries included: a fault covers every attempt. */
    private static final int EVERY_ATTEMPT = 20;
    private static final String UNKNOWN_ID = "5c8a1b2f3d4e5f6a7b8c9d0e";

    private final InMemoryScalingo model;
    private final Ticker modelTicker;
    private final AppsService realApps;
    private final DomainsService realDomains;
    private final WireFaults wire;
    private final BiFunction<String, String, Optional<String>> realDomainId;
    private final Counts counts = new Counts();

    /**
     * @param modelTicker the simulation's ticker, by which the core's deadlines are counted
     * @param realDomainId the sandbox's ID of an app's domain of a name, read without a request
     */
    public MirroredScalingo(InMemoryScalingo model, Ticker modelTicker, AppsService realApps, DomainsService realDomains,
            WireFaults wire, BiFunction<String, String, Optional<String>> realDomainId) {
        this.model = model;
        this.modelTicker = modelTicker;
        this.realApps = realApps;
        this.realDomains = realDomains;
        this.wire = wire;
        this.realDomainId = realDomainId;
    }

    public Counts counts() {
        return counts;
    }

    /** Every app and its domains, as both platforms hold them now, read back without faults. */
    public void compareStored() {
        List<App> apps = model.apps();
        counts.storedCompared++;
        compare("stored apps", text(apps), text(realApps.listApps(Deadline.after(Duration.ofSeconds(20)))));
        for (App app : apps) {
            counts.storedCompared++;
            compare("stored domains of " + app.name(), domainsText(model.listDomainsByHand(app.name())),
                    domainsText(realDomains.listDomains(app.name(), Deadline.after(Duration.ofSeconds(20)))));
        }
    }

    // ------------------------------------------------------------------ the port

    @Override
    public Duration longestRequest() {
        return model.longestRequest();
    }

    @Override
    public List<App> listApps(Deadline deadline) {
        return mirror("listApps", deadline, d -> model.listApps(d), d -> realApps.listApps(d));
    }

    @Override
    public App getApp(String app, Deadline deadline) {
        return mirror("getApp " + app, deadline, d -> model.getApp(app, d), d -> realApps.getApp(app, d));
    }

    @Override
    public List<Domain> listDomains(String app, Deadline deadline) {
        return mirror("listDomains " + app, deadline, d -> model.listDomains(app, d), d -> realDomains.listDomains(app, d));
    }

    @Override
    public Domain linkDomain(String app, DomainChanges link, Deadline deadline) {
        return mirror("linkDomain " + app + " " + link.name(), deadline, d -> model.linkDomain(app, link, d),
                d -> realDomains.linkDomain(app, link, d));
    }

    @Override
    public Domain updateDomain(String app, String domainId, DomainChanges changes, Deadline deadline) {
        String realId = realIdOf(app, domainId);
        return mirror("updateDomain " + app + " " + domainId, deadline, d -> model.updateDomain(app, domainId, changes, d),
                d -> realDomains.updateDomain(app, realId, changes, d));
    }

    @Override
    public void unlinkDomain(String app, String domainId, Deadline deadline) {
        String realId = realIdOf(app, domainId);
        mirror("unlinkDomain " + app + " " + domainId, deadline, d -> {
            model.unlinkDomain(app, domainId, d);
            return null;
        }, d -> {
            realDomains.unlinkDomain(app, realId, d);
            return null;
        });
    }

    /** The sandbox's ID for the domain the model knows by {@code modelId}; an unknown ID stays unknown there too. */
    private String realIdOf(String app, String modelId) {
        Optional<Domain> known;
        try {
            known = model.domainWithId(app, modelId);
        } catch (ScalingoException noSuchApp) {
            known = Optional.empty();
        }
        return known.flatMap(d -> realDomainId.apply(app, d.name())).orElse(UNKNOWN_ID);
    }

    private interface Call<T> {
        T on(Deadline deadline);
    }

    private <T> T mirror(String call, Deadline deadline, Call<T> onModel, Call<T> onReal) {
        model.takeLastFault();
        // The real call's own deadline: passed already when the model's leaves less than one request's longest time
        // (the core asked too late: both refuse to send), ample otherwise.
        Deadline realDeadline = !deadline.allows(model.longestRequest(), modelTicker) ? new Deadline(System.nanoTime() - 1)
                : Deadline.after(Duration.ofSeconds(60));
        T answer = null;
        RuntimeException failed = null;
        Error killed = null;
        try {
            answer = onModel.on(deadline);
        } catch (RuntimeException e) {
            failed = e;
        } catch (Error e) {
            killed = e; // the process ended (the simulation's Killed)
        }
        FaultSeen fault = model.takeLastFault();
        switch (fault.phase()) {
            case BEFORE -> {
                if (killed != null) {
                    counts.notMadeKilled++;
                } else {
                    ScalingoException injected = (ScalingoException) failed;
                    if (injected.isRateLimited()) {
                        counts.failed429++;
                        wire.rateLimitNext();
                    } else if (injected.status() >= 500) {
                        counts.failed5xx++;
                        wire.failNext(EVERY_ATTEMPT);
                    } else {
                        counts.failedDropped++;
                        wire.dropNext(EVERY_ATTEMPT);
                    }
                    String real = outcome(() -> onReal.on(realDeadline));
                    wire.clear();
                    counts.failedAtTheWire++;
                    compare(call + " (failed at the wire)", text(null, failed), real);
                }
            }
            case AFTER -> {
                if (killed != null) {
                    outcome(() -> onReal.on(realDeadline)); // made; the process ended before it could use the answer
                    counts.madeThenKilled++;
                } else {
                    if (failed instanceof ScalingoException e && e.isNotFound()) {
                        counts.lostThenRetried++;
                        wire.loseNextReply(); // the model's "the retry met the change": the retry is made
                    } else {
                        wire.loseNextReplyThenDrop(EVERY_ATTEMPT);
                    }
                    String real = outcome(() -> onReal.on(realDeadline));
                    wire.clear();
                    counts.lostAtTheWire++;
                    compare(call + " (its reply lost after the change was applied)", text(null, failed), real);
                }
            }
            case NONE -> {
                if (killed != null) {
                    throw killed; // not the platform's: nothing to mirror
                }
                counts.compared++;
                compare(call, text(answer, failed), outcome(() -> onReal.on(realDeadline)));
            }
            default -> throw new IllegalStateException(fault.phase().name());
        }
        if (killed != null) {
            throw killed;
        }
        if (failed != null) {
            throw failed;
        }
        return answer;
    }

    private static String outcome(Supplier<Object> call) {
        try {
            return text(call.get(), null);
        } catch (RuntimeException e) {
            return text(null, e);
        }
    }

    private static void compare(String call, String model, String real) {
        if (!model.equals(real)) {
            throw new MirroredLedger.Divergence("Scalingo " + call + ":\n  model: " + model + "\n  real:  " + real);
        }
    }

    /** An answer as both sides can be compared by: domains without their IDs (each side draws its own), failures by kind. */
    static String text(Object answer, RuntimeException failure) {
        if (failure instanceof ScalingoException e) {
            if (e.isNotInTime()) {
                return "not in time";
            }
            if (e.status() == 0) {
                return "transport failure";
            }
            return "ScalingoException " + (e.status() >= 500 ? "5xx" : e.status()) + " " + new TreeMap<>(e.fieldErrors()).keySet()
                    + e.resource().map(r -> " " + r).orElse("");
        }
        if (failure != null) {
            return failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        return text(answer);
    }

    private static String text(Object answer) {
        if (answer instanceof Domain d) {
            return domainText(d);
        }
        if (answer instanceof App a) {
            return a.id() + " " + a.name() + " url=" + a.url() + " base=" + a.baseUrl() + " " + a.status();
        }
        if (answer instanceof List<?> list) {
            return list.stream().map(MirroredScalingo::text).toList().toString();
        }
        return String.valueOf(answer);
    }

    private static String domainsText(List<Domain> domains) {
        return domains.stream().map(MirroredScalingo::domainText).sorted().toList().toString();
    }

    private static String domainText(Domain d) {
        return d.name() + " app=" + d.appId() + " created=" + millis(d.createdAt()) + " canonical=" + d.isCanonical()
                + " le=" + d.letsencryptEnabled() + "/" + d.letsencrypt() + "/" + d.letsencryptStatus() + " validity="
                + millis(d.validity()) + " ssl=" + d.ssl() + " tlscert=" + d.tlscert() + " tlskey=" + d.tlskey() + " acme="
                + d.acmeDnsFqdn();
    }

    /** To the millisecond, as Scalingo's timestamps are written. */
    private static String millis(OffsetDateTime at) {
        return at == null ? "-" : at.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
