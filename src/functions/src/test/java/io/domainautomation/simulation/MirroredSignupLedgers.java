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
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.LinkLedger;

/**
 * A fidelity run's link and canonical ledgers: each call mirrored on the DynamoDB adapters ({@link LedgerMirror}),
 * link-on-signup's calls signed as it, set-canonical's as it; at the end of a history, everything both hold compared.
 */
public final class MirroredSignupLedgers implements LinkLedger, CanonicalLedger {

    /** Reads what the real table holds for an app: each item's sort key and attributes, as the operator sees them. */
    public interface RealItems {
        List<Map<String, String>> of(String app);
    }

    private final InMemoryLinkLedger linkModel;
    private final InMemoryCanonicalLedger canonicalModel;
    private final LinkLedger realLinks;
    private final CanonicalLedger realCanonicals;
    private final LedgerMirror mirror;
    private final Function<Supplier<Object>, Object> asLinkOnSignup;
    private final Function<Supplier<Object>, Object> asSetCanonical;

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
        this.mirror = new LedgerMirror(wire, attempts, MirroredSignupLedgers::text);
        this.asLinkOnSignup = asLinkOnSignup;
        this.asSetCanonical = asSetCanonical;
    }

    public LedgerMirror.Counts counts() {
        return mirror.counts();
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
        mirror.counts().storedCompared++;
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
                        : Instant.parse(realCanonical.get("until")), blankToNull(realCanonical.get("appName"))));
        compare("stored canonical change of " + app, model, stored);
    }

    // ------------------------------------------------------------------ the mirror

    private <T> T link(String call, Supplier<T> onModel, Supplier<T> onReal) {
        return mirror.call("links." + call, linkModel::takeLastFault, onModel, onReal, asLinkOnSignup);
    }

    private <T> T canonical(String call, Supplier<T> onModel, Supplier<T> onReal) {
        return mirror.call("canonicals." + call, canonicalModel::takeLastFault, onModel, onReal, asSetCanonical);
    }

    private static String text(Object answer) {
        if (answer instanceof Optional<?> optional && optional.isPresent() && optional.get() instanceof Change change) {
            return "Optional[" + text(change) + "]";
        }
        return String.valueOf(answer);
    }

    private static String text(Change change) {
        return change.requestId() + " app=" + change.appName() + " domain=" + change.domain() + " previous=" + change.previous() + " current="
                + change.current() + " caller=" + change.caller() + " announced=" + change.announced() + " until="
                + change.until();
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void compare(String call, String model, String real) {
        LedgerMirror.compare(call, model, real);
    }
}
