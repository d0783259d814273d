package io.domainautomation.logic.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The shared budget's decisions, pure (table-tested on a fixed clock). Scalingo allows {@code limit} requests per
 * {@code period} per user; the automation keeps {@code peopleShare} of it free for the people using the same account
 * (CLI, dashboard), and grants the rest by priority. A grant's requests may start anywhere in its validity, so it is
 * counted against every window its validity touches. Grants are booked in start order, so a minute (plus the guard)
 * that holds requests of several grants holds none of a grant ending more than {@code period + guard} before the start
 * of the latest of them: a new grant fits when the grants ending within {@code period + guard} before its start, plus
 * it, stay within the cap (checked over random histories by BudgetPolicyTest). After a 429 (someone spent the account's requests)
 * the cap is halved for everyone until the 429's Retry-After has passed (a minute when it gives none).
 */
public final class BudgetPolicy {

    /**
     * @param validity how long a granted slot may wait for its request (a container's batch is used within it)
     * @param minCap the least the cap falls to after 429s
     */
    public record Settings(int limit, Duration period, Duration guard, double peopleShare, Duration validity, int minCap) {

        public Settings {
            if (limit <= 0 || peopleShare < 0 || peopleShare >= 1 || minCap <= 0) {
                throw new IllegalArgumentException("a rate budget needs a positive limit, a people's share in [0, 1) and a"
                        + " positive minimum: " + limit + ", " + peopleShare + ", " + minCap);
            }
        }

        /**
         * As deployed: Scalingo's {@code limit} less what stays outside the budget ({@code reservedOutside}: domain-status's
         * static share), less the people's share of the rest.
         */
        public static Settings forAccount(int limit, int reservedOutside, double peopleShare, Duration period,
                Duration guard, Duration validity) {
            return new Settings(limit - reservedOutside, period, guard, peopleShare, validity, 6);
        }

        /** The automation's part of the account's limit. */
        public int cap() {
            return Math.max(minCap, (int) Math.floor(limit * (1 - peopleShare)));
        }

        /** How long a grant counts after its end: a minute (the period) and its guard. */
        long spanMillis() {
            return period.plus(guard).toMillis();
        }
    }

    /** Granted: {@code count} slots from {@code startMillis}, and the window to write; or a wait until a slot may fit. */
    public record Decision(int count, long startMillis, BudgetWindow next, long retryAtMillis) {

        public boolean granted() {
            return count > 0;
        }
    }

    /**
     * Slots background work leaves free while signups or people are at work (a grant of theirs within the window), so
     * their next requests go at once rather than a slot at a time behind the scan: half as many as they hold in the
     * window, at least {@code MIN_HEADROOM}, at most {@code HEADROOM} (four signups at once). A slot counts for a minute
     * and frees only then, so what is left free waits unused: the busier the signups, the more they are likely to need.
     */
    static final int HEADROOM = 8;
    static final int MIN_HEADROOM = 2;

    static int headroom(List<BudgetWindow.Grant> live) {
        int theirs = live.stream().filter(g -> !g.priority().paced()).mapToInt(BudgetWindow.Grant::count).sum();
        return theirs == 0 ? 0 : Math.min(HEADROOM, Math.max(MIN_HEADROOM, (theirs + 1) / 2));
    }

    private BudgetPolicy() {
    }

    /** The cap in force at {@code now}: halved after a 429 until its Retry-After has passed. */
    public static int cap(BudgetWindow window, long now, Settings settings) {
        return now < window.shrinkUntilMillis() ? Math.max(settings.minCap(), window.shrunkCap()) : settings.cap();
    }

    /**
     * Up to {@code wanted} slots for {@code priority}, starting as early as the window allows and no later than
     * {@code now + priority.horizon()} nor {@code latestStartMillis}; fewer when fewer fit at that start.
     */
    public static Decision take(BudgetWindow window, long now, Priority priority, int wanted, long latestStartMillis,
            Settings settings) {
        List<BudgetWindow.Grant> live = live(window, now, settings);
        long latest = Math.min(latestStartMillis, saturatedAdd(now, priority.horizon().toMillis()));
        int headroom = priority.paced() ? headroom(live) : 0;
        long start = earliestFit(live, now, 1, Math.max(1, cap(window, now, settings) - headroom), settings);
        if (now < window.shrinkUntilMillis() && start >= window.shrinkUntilMillis()) {
            // the shrunk cap holds until its end: from then on, the full cap counts
            start = Math.min(start, earliestFit(live, window.shrinkUntilMillis(), 1, Math.max(1, settings.cap() - headroom),
                    settings));
        }
        if (priority.paced()) {
            // background work is spread at the cap's pace, never in a burst: the slots it holds then free one by one, and
            // a waiting signup or person, who books ahead, finds one within seconds
            long spacing = spacing(window, now, settings);
            for (BudgetWindow.Grant grant : live) {
                if (grant.priority().paced()) {
                    start = Math.max(start, grant.fromMillis() + spacing * grant.count());
                }
            }
        }
        if (start > latest) {
            // looked at again when the slot comes within this priority's horizon (it books ahead then), or at once
            // when the deadline, not the horizon, is what keeps it
            long lookAgain = start > latestStartMillis ? start : Math.max(now + 1, start - priority.horizon().toMillis());
            return new Decision(0, 0, window, lookAgain);
        }
        int free = cap(window, start, settings) - headroom - usedAt(live, start, settings);
        int count = Math.max(1, Math.min(wanted, free));
        // background work's batch is spread at the pace: its slots start one spacing apart, the grant covering them all
        long spread = priority.paced() ? spacing(window, now, settings) * (count - 1) : 0;
        List<BudgetWindow.Grant> grants = new ArrayList<>(live);
        grants.add(new BudgetWindow.Grant(start, start + spread + settings.validity().toMillis(), count, priority));
        BudgetWindow next = new BudgetWindow(window.account(), grants, window.shrinkUntilMillis(), window.shrunkCap(),
                window.version() + 1);
        return new Decision(count, start, next, start);
    }

    /** The pace of background work: one slot per period / cap. */
    public static long spacing(BudgetWindow window, long now, Settings settings) {
        return settings.period().toMillis() / cap(window, now, settings);
    }

    /** After a 429: the cap halved (not below {@code minCap}) for everyone until {@code retryAfter} has passed. */
    public static BudgetWindow shrink(BudgetWindow window, long now, Duration retryAfter, Settings settings) {
        int current = cap(window, now, settings);
        int halved = Math.max(settings.minCap(), current / 2);
        long until = Math.max(window.shrinkUntilMillis(), now + Math.max(retryAfter.toMillis(), settings.period().toMillis()));
        return new BudgetWindow(window.account(), live(window, now, settings), until, halved, window.version() + 1);
    }

    /** Requests counted at {@code at}: those of every grant ending within a span before it (or later). */
    static int usedAt(List<BudgetWindow.Grant> grants, long at, Settings settings) {
        long from = at - settings.spanMillis();
        return grants.stream().filter(g -> g.untilMillis() > from).mapToInt(BudgetWindow.Grant::count).sum();
    }

    /** The earliest start at or after {@code now} where {@code count} more fit under {@code cap}. */
    static long earliestFit(List<BudgetWindow.Grant> grants, long now, int count, int cap, Settings settings) {
        if (usedAt(grants, now, settings) + count <= cap) {
            return Math.max(now, latestStart(grants));
        }
        List<BudgetWindow.Grant> byEnd = new ArrayList<>(grants);
        byEnd.sort(Comparator.comparingLong(BudgetWindow.Grant::untilMillis));
        for (BudgetWindow.Grant ageing : byEnd) {
            long at = ageing.untilMillis() + settings.spanMillis();
            if (at >= now && usedAt(grants, at, settings) + count <= cap) {
                return Math.max(at, latestStart(grants));
            }
        }
        long last = byEnd.isEmpty() ? now : byEnd.get(byEnd.size() - 1).untilMillis() + settings.spanMillis();
        return Math.max(now, last);
    }

    /** Grants are booked in order: no start before one already booked (a higher priority's booking ahead holds). */
    private static long latestStart(List<BudgetWindow.Grant> grants) {
        return grants.stream().mapToLong(BudgetWindow.Grant::fromMillis).max().orElse(Long.MIN_VALUE);
    }

    /** The grants that still count at {@code now} or later. */
    static List<BudgetWindow.Grant> live(BudgetWindow window, long now, Settings settings) {
        long from = now - settings.spanMillis();
        return window.grants().stream().filter(g -> g.untilMillis() > from).toList();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
