package io.domainautomation.simulation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.domainautomation.fakes.InMemoryCanonicalLedger;
import io.domainautomation.fakes.InMemoryLinkLedger;
import io.domainautomation.fakes.InMemoryScalingo.FaultSeen;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.LinkLedger;

/**
 * A fidelity run's link and canonical ledgers: each call of the cores goes to the in-memory model the simulation
 * injects its faults into (its answer is what the core gets) and to the DynamoDB adapter, through the sandbox (signed
 * as the function that makes it) to dynalite, which meets the same fault at the wire: a failure before the write fails
 * every attempt there; a reply lost after the write is lost there too and the SDK's retry meets the change (its answer
 * not compared: the model says "unknown", the adapter may learn more); a process killed before a call makes no real
 * call, killed after one makes it. Every other answer is compared, and at the end of a history everything both hold.
 */
public final class MirroredSignupLedgers implements LinkLedger, CanonicalLedger {

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedAtTheWire;
        public long lostAtTheWire;
        public long notMadeKilled;
        public long madeThenKilled;
        public long storedCompared;

        public void add(Counts other) {
            compared += other.compared;
            failedAtTheWire += other.failedAtTheWire;
            lostAtTheWire += other.lostAtTheWire;
            notMadeKilled += other.notMadeKilled;
            madeThenKilled += other.madeThenKilled;
            storedCompared += other.storedCompared;
        }
    }

    /** Reads what the real table holds for an app: each item's sort key and attributes, as the operator sees them. */
    public interface RealItems {
        List<Map<String, String>> of(String app);
    }

    private final InMemoryLinkLedger linkModel;
    private final InMemoryCanonicalLedger canonicalModel;
    private final LinkLedger realLinks;
    private final CanonicalLedger realCanonicals;
    private final MirroredLedger.WireFaults wire;
    private final int attempts;
    private final Function<Supplier<Object>, Object> asLinkOnSignup;
    private final Function<Supplier<Object>, Object> asSetCanonical;
    private final Counts counts = new Counts();

    /**
     * @param attempts how many requests the real client makes for one call at most (its retries included)
     * @param asLinkOnSignup runs a real call signed as link-on-signup (the sandbox enforces its IAM); {@code
     *        asSetCanonical} as set-canonical
     */
    public MirroredSignupLedgers(InMemoryLinkLedger linkModel, InMemoryCanonicalLedger canonicalModel, LinkLedger realLinks,
            CanonicalLedger realCanonicals, MirroredLedger.WireFaults wire, int attempts,
            Function<Supplier<Object>, Object> asLinkOnSignup, Function<Supplier<Object>, Object> asSetCanonical) {
        this.linkModel = linkModel;
        this.canonicalModel = canonicalModel;
        this.realLinks = realLinks;
        this.realCanonicals = realCanonicals;
        this.wire = wire;
        this.attempts = attempts;
        this.asLinkOnSignup = asLinkOnSignup;
        this.asSetCanonical = asSetCanonical;
    }

    public Counts counts() {
        return counts;
    }

    // ------------------------------------------------------------------ the ports

    @Override
    public void recordAttempt(String app, String domain, String requestKey, Instant until) {
        link("recordAttempt " + domain + " " + requestKey, () -> {
            linkModel.recordAttempt(app, domain, requestKey, until);
            return null;
        }, () -> {
            realLinks.recordAttempt(app, domain, requestKey, until);
            return null;
        });
    }

    @Override
    public Optional<Instant> attempted(String app, String domain, String requestKey) {
        return link("attempted " + domain + " " + requestKey, () -> linkModel.attempted(app, domain, requestKey),
                () -> realLinks.attempted(app, domain, requestKey));
    }

    @Override
    public String claim(String app, String domainId, String requestKey) {
        return link("claim " + domainId + " " + requestKey, () -> linkModel.claim(app, domainId, requestKey),
                () -> realLinks.claim(app, domainId, requestKey));
    }

    @Override
    public Optional<Change> last(String app) {
        return canonical("last " + app, () -> canonicalModel.last(app), () -> realCanonicals.last(app));
    }

    @Override
    public boolean record(Change change, Optional<String> replacing) {
        return canonical("record " + change.requestId(), () -> canonicalModel.record(change, replacing),
                () -> realCanonicals.record(change, replacing));
    }

    @Override
    public void markAnnounced(Change change) {
        canonical("markAnnounced " + change.requestId(), () -> {
            canonicalModel.markAnnounced(change);
            return null;
        }, () -> {
            realCanonicals.markAnnounced(change);
            return null;
        });
    }

    /** Everything both hold for the app once the history is over, compared item by item. */
    public void compareStored(String app, RealItems real) {
        counts.storedCompared++;
        List<String> realLinkItems = new ArrayList<>();
        Map<String, String> realCanonical = null;
        for (Map<String, String> item : real.of(app)) {
            String sk = item.get("sk");
            if (sk.startsWith("LINKTRY#")) {
                realLinkItems.add(sk + " until=" + item.get("until"));
            } else if (sk.startsWith("LINKED#")) {
                realLinkItems.add(sk + " " + item.get("requestKey"));
            } else if (sk.equals("CANONICAL")) {
                realCanonical = item;
            }
        }
        java.util.Collections.sort(realLinkItems);
        compare("stored links of " + app, String.valueOf(linkModel.stored(app)), String.valueOf(realLinkItems));
        String model = canonicalModel.stored(app).map(MirroredSignupLedgers::text).orElse("none");
        String stored = realCanonical == null ? "none" : text(new Change(app, realCanonical.get("requestId"),
                blankToNull(realCanonical.get("domain")), blankToNull(realCanonical.get("previous")),
                blankToNull(realCanonical.get("current")), blankToNull(realCanonical.get("caller")),
                "true".equals(realCanonical.get("announced")), realCanonical.get("until") == null ? null
                        : Instant.parse(realCanonical.get("until"))));
        compare("stored canonical change of " + app, model, stored);
    }

    // ------------------------------------------------------------------ the mirror

    private <T> T link(String call, Supplier<T> onModel, Supplier<T> onReal) {
        return mirror("links." + call, linkModel::takeLastFault, onModel, onReal, asLinkOnSignup);
    }

    private <T> T canonical(String call, Supplier<T> onModel, Supplier<T> onReal) {
        return mirror("canonicals." + call, canonicalModel::takeLastFault, onModel, onReal, asSetCanonical);
    }

    private <T> T mirror(String call, Supplier<FaultSeen> lastFault, Supplier<T> onModel, Supplier<T> onReal,
            Function<Supplier<Object>, Object> asCaller) {
        lastFault.get();
        T answer = null;
        RuntimeException failed = null;
        Error killed = null;
        try {
            answer = onModel.get();
        } catch (RuntimeException e) {
            failed = e;
        } catch (Error e) {
            killed = e; // the process ended (the simulation's Killed)
        }
        FaultSeen fault = lastFault.get();
        switch (fault.phase()) {
            case BEFORE -> {
                if (killed != null) {
                    counts.notMadeKilled++;
                } else {
                    wire.failNext(attempts);
                    String real = outcome(onReal, asCaller);
                    wire.clear();
                    counts.failedAtTheWire++;
                    if (!real.startsWith("LedgerUnavailable")) {
                        throw new MirroredLedger.Divergence(call + ": failed at the wire on every attempt, the real ledger"
                                + " answered " + real + " where the model fails with " + text(null, failed));
                    }
                }
            }
            case AFTER -> {
                if (killed == null) {
                    wire.loseNextReply();
                    counts.lostAtTheWire++;
                } else {
                    counts.madeThenKilled++;
                }
                outcome(onReal, asCaller);
                wire.clear();
            }
            case NONE -> {
                if (killed != null) {
                    throw killed; // not the ledger's: nothing to mirror
                }
                counts.compared++;
                compare(call, text(answer, failed), outcome(onReal, asCaller));
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

    private static String outcome(Supplier<?> call, Function<Supplier<Object>, Object> asCaller) {
        try {
            return text(asCaller.apply(() -> call.get()), null);
        } catch (RuntimeException e) {
            return text(null, e);
        }
    }

    private static String text(Object answer, RuntimeException failure) {
        if (failure instanceof LedgerUnavailable unavailable) {
            return "LedgerUnavailable transient=" + unavailable.isTransient();
        }
        if (failure != null) {
            return failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        if (answer instanceof Optional<?> optional && optional.isPresent() && optional.get() instanceof Change change) {
            return "Optional[" + text(change) + "]";
        }
        return String.valueOf(answer);
    }

    private static String text(Change change) {
        return change.requestId() + " domain=" + change.domain() + " previous=" + change.previous() + " current="
                + change.current() + " caller=" + change.caller() + " announced=" + change.announced() + " until="
                + change.until();
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void compare(String call, String model, String real) {
        if (!model.equals(real)) {
            throw new MirroredLedger.Divergence("ledger " + call + ":\n  model: " + model + "\n  real:  " + real);
        }
    }
}
