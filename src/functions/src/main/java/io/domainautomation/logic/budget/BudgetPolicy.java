package io.domainautomation.logic.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The shared budget's decisions, pure (table-tested on a fixed clock). Scalingo allows {@code limit} requests per
 * {@code period} per user; the automation keeps {@code peopleShare} of it free for the people using the same account
 * (CLI, dashboard), and grants the rest by priority. A grant's requests may start anywhere in its validity, so it is
 * counted against every window its validity touches. A minute (plus the guard) that holds requests of several grants
 * holds none of a grant ending more than {@code period + guard} before the start of the latest-starting of them (its
 * anchor): a new grant fits when, at its own start and at every later start it reaches, the grants counted there stay
 * within the cap in force there ({@code Anchors}; checked over random histories by BudgetPolicyTest). After a 429
 * (someone spent the account's requests) the cap is halved for everyone for a minute, or until the 429's Retry-After
 * has passed if that is later.
 */
public final class BudgetPolicy {

    /**
     * @param validity how long a granted slot may wait for its request (a container's batch is used within it)
     * @param minCap the least the cap falls to after 429s
     * @param headroom the most slots background work leaves free while signups or people are at work ({@link #headroom})
     */
    public record Settings(int limit, Duration period, Duration guard, double peopleShare, Duration validity, int minCap,
            int headroom) {

        public Settings {
            if (limit <= 0 || peopleShare < 0 || peopleShare >= 1 || minCap <= 0 || headroom < 0) {
                throw new IllegalArgumentException("a rate budget needs a positive limit, a people's share in [0, 1), a"
                        + " positive minimum and a headroom of 0 or more: " + limit + ", " + peopleShare + ", " + minCap
                        + ", " + headroom);
            }
        }

        /** With the default headroom ({@value BudgetPolicy#HEADROOM}). */
        public Settings(int limit, Duration period, Duration guard, double peopleShare, Duration validity, int minCap) {
            this(limit, period, guard, peopleShare, validity, minCap, HEADROOM);
        }

        /**
         * As deployed: Scalingo's {@code limit} less what stays outside the budget ({@code reservedOutside}: domain-status's
         * static share), less the people's share of the rest.
         */
        public static Settings forAccount(int limit, int reservedOutside, double peopleShare, Duration period,
                Duration guard, Duration validity) {
            return new Settings(limit - reservedOutside, period, guard, peopleShare, validity, 6);
        }

        /** The same, background work leaving signups and people at most {@code headroom} slots. */
        public Settings withHeadroom(int headroom) {
            return new Settings(limit, period, guard, peopleShare, validity, minCap, headroom);
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

    /**
     * Granted: {@code count} slots, the first from {@code startMillis}, each from its own start ({@code starts}, in
     * order), and the window to write; or a wait until a slot may fit.
     */
    public record Decision(int count, long startMillis, List<Long> starts, BudgetWindow next, long retryAtMillis) {

        public boolean granted() {
            return count > 0;
        }
    }

    /**
     * Slots background work leaves free while signups or people are at work (a grant of theirs within the window), so
     * their next requests go at once rather than a slot at a time behind the scan: half as many as they hold in the
     * window, at least {@code MIN_HEADROOM}, at most the settings' headroom ({@value #HEADROOM} by default: four signups
     * at once). A slot counts for a minute and frees only then, so what is left free waits unused while the scan waits:
     * the headroom trades the account's use for signups' latency (docs/rate-budget.md gives the model's curve).
     */
    public static final int HEADROOM = 8;
    static final int MIN_HEADROOM = 2;

    static int headroom(List<BudgetWindow.Grant> live, Settings settings) {
        int theirs = live.stream().filter(g -> !g.priority().paced()).mapToInt(BudgetWindow.Grant::count).sum();
        return theirs == 0 ? 0 : Math.min(settings.headroom(), Math.max(Math.min(MIN_HEADROOM, settings.headroom()),
                (theirs + 1) / 2));
    }

    private BudgetPolicy() {
    }

    /**
     * Background work's batch while signups or people hold {@link #HEADROOM} slots or more: they then want the slots
     * that free, and wait behind the batch's slots booked ahead (3 slots, 3.6 s of the pace at the deployed cap).
     */
    public static final int PACED_BATCH = 3;
    /**
     * Background work's batch while signups and people hold fewer than {@link #HEADROOM} slots (none at night, a few
     * signups a minute by day): they mostly fit in what it leaves them, so it books further ahead, for fewer writes.
     */
    public static final int PACED_BATCH_QUIET = 5;

    /**
     * How many slots background work asks for at once, on the window it decides on: {@link #PACED_BATCH_QUIET} while
     * signups and people hold fewer than {@link #HEADROOM} slots (the default headroom, whatever the settings' is: an
     * operator who lowers the headroom for the scan's sake does not make its writes more frequent), {@link #PACED_BATCH}
     * otherwise. Each write of the store serves a batch; each slot booked ahead is one a signup arriving at a full cap
     * waits behind. In the model (RateBudgetModel, its three scenarios, 2026-12-07), this rule against a batch fixed at
     * 3 and at 5: store requests per Scalingo request 0.44, against 0.51 and 0.41; the steady signups' p99 over 9
     * arrival seeds, median 7.9 s, against 7.9 s and 9.2 s (seeds over 10 s: 1, 1 and 3); a day with 3 signups a minute,
     * its p99 7.7 s, against 6.1 s and 7.9 s.
     */
    public static int pacedBatch(BudgetWindow window, long now, Settings settings) {
        int theirs = live(window, now, settings).stream().filter(g -> !g.priority().paced())
                .mapToInt(BudgetWindow.Grant::count).sum();
        return theirs < HEADROOM ? PACED_BATCH_QUIET : PACED_BATCH;
    }

    /** The cap in force at {@code now}: halved after a 429 until its Retry-After has passed. */
    public static int cap(BudgetWindow window, long now, Settings settings) {
        return now < window.shrinkUntilMillis() ? Math.max(settings.minCap(), window.shrunkCap()) : settings.cap();
    }

    /**
     * Up to {@code wanted} slots for {@code priority}, starting as early as the window allows and no later than
     * {@code now + priority.horizon()} nor {@code latestStartMillis}; fewer when fewer fit. A person's or a signup's
     * slots start together, in one grant; background work's are spread at the pace, a grant each (each counted from its
     * own start), and stop at the first that does not fit.
     */
    public static Decision take(BudgetWindow window, long now, Priority priority, int wanted, long latestStartMillis,
            Settings settings) {
        List<BudgetWindow.Grant> live = live(window, now, settings);
        long latest = Math.min(latestStartMillis, saturatedAdd(now, priority.horizon().toMillis()));
        Anchors anchors = new Anchors(live, window, settings, priority.paced());
        long spacing = spacing(window, now, settings);
        long notBefore = now;
        if (priority.paced()) {
            // background work is spread at the cap's pace, never in a burst: the slots it holds then free one by one, and
            // a waiting signup or person, who books ahead, finds one within seconds. Paced behind its own and higher
            // background work only: the scan's slots booked ahead do not hold the rotation back (the anchors keep the cap)
            for (BudgetWindow.Grant grant : live) {
                if (grant.priority().paced() && grant.priority().ordinal() <= priority.ordinal()) {
                    notBefore = Math.max(notBefore, grant.fromMillis() + spacing * grant.count());
                }
            }
        }
        long validity = settings.validity().toMillis();
        long start = anchors.earliest(notBefore, validity);
        if (start > latest) {
            // looked at again when the slot comes within this priority's horizon (it books ahead then), or at once
            // when the deadline, not the horizon, is what keeps it
            long lookAgain = start > latestStartMillis ? start : Math.max(now + 1, start - priority.horizon().toMillis());
            return new Decision(0, 0, List.of(), window, lookAgain);
        }
        List<BudgetWindow.Grant> grants = new ArrayList<>(live);
        List<Long> starts = new ArrayList<>();
        if (priority.paced()) {
            // each slot a spacing after the one before, as long as it fits there and starts by the caller's latest start
            for (long at = start; starts.size() < wanted && at <= latestStartMillis && anchors.room(at, at + validity) >= 1;
                    at += spacing) {
                BudgetWindow.Grant slot = new BudgetWindow.Grant(at, at + validity, 1, priority);
                anchors.add(slot);
                grants.add(slot);
                starts.add(at);
            }
        } else {
            int count = Math.max(1, Math.min(wanted, anchors.room(start, start + validity)));
            grants.add(new BudgetWindow.Grant(start, start + validity, count, priority));
            for (int i = 0; i < count; i++) {
                starts.add(start);
            }
        }
        BudgetWindow next = new BudgetWindow(window.account(), grants, window.shrinkUntilMillis(), window.shrunkCap(),
                window.version() + 1);
        return new Decision(starts.size(), start, List.copyOf(starts), next, start);
    }

    /**
     * The window's grants as the minutes they fall in. A minute (and its guard) holding requests of several grants is
     * within the reach of the latest-starting of them, its anchor: it holds only grants that started by the anchor's
     * start and end less than a span before it. So the cap holds for every minute when, for every grant's start, the
     * grants counted there stay within the cap in force then; a new grant is placed where it keeps that true at its own
     * start and at every later start it reaches (it may go before grants booked ahead of it, when there is room).
     */
    private static final class Anchors {
        private final List<BudgetWindow.Grant> grants;
        private final BudgetWindow window;
        private final Settings settings;
        /** Whether the taker is background work, which leaves signups and people their headroom. */
        private final boolean leavesHeadroom;
        private final long span;

        Anchors(List<BudgetWindow.Grant> live, BudgetWindow window, Settings settings, boolean leavesHeadroom) {
            this.grants = new ArrayList<>(live);
            this.grants.sort(Comparator.comparingLong(BudgetWindow.Grant::fromMillis));
            this.window = window;
            this.settings = settings;
            this.leavesHeadroom = leavesHeadroom;
            this.span = settings.spanMillis();
        }

        void add(BudgetWindow.Grant grant) {
            int at = 0;
            while (at < grants.size() && grants.get(at).fromMillis() <= grant.fromMillis()) {
                at++;
            }
            grants.add(at, grant);
        }

        /** The requests counted at the anchor {@code at}: grants started by then, ending less than a span before. */
        private int countedAt(long at) {
            int used = 0;
            for (BudgetWindow.Grant grant : grants) {
                if (grant.fromMillis() > at) {
                    break;
                }
                if (grant.untilMillis() > at - span) {
                    used += grant.count();
                }
            }
            return used;
        }

        private int limitAt(long at) {
            return Math.max(1, cap(window, at, settings) - headroomAt(at));
        }

        /**
         * The headroom background work leaves at {@code at}: from the signups' and people's grants still counted then
         * (it falls as theirs age out, so a background caller told to look again is not told too late, and another
         * looking later does not overtake it).
         */
        private int headroomAt(long at) {
            if (!leavesHeadroom) {
                return 0;
            }
            return headroom(grants.stream().filter(g -> g.untilMillis() > at - span).toList(), settings);
        }

        /** How many slots a grant from {@code from} to {@code until} can hold (0 or less: none). */
        int room(long from, long until) {
            int room = limitAt(from) - countedAt(from);
            for (BudgetWindow.Grant later : grants) {
                long anchor = later.fromMillis();
                if (anchor <= from) {
                    continue;
                }
                if (anchor >= until + span) {
                    break; // the new grant no longer counts there, nor anywhere later
                }
                room = Math.min(room, limitAt(anchor) - countedAt(anchor));
            }
            return room;
        }

        /**
         * The earliest start at or after {@code notBefore} where one more slot fits: at {@code notBefore}, or when a grant
         * stops counting, or just after a later start that kept it out.
         */
        long earliest(long notBefore, long validity) {
            java.util.TreeSet<Long> candidates = new java.util.TreeSet<>();
            candidates.add(notBefore);
            if (window.shrinkUntilMillis() > notBefore) {
                candidates.add(window.shrinkUntilMillis()); // the full cap again
            }
            for (BudgetWindow.Grant grant : grants) {
                candidates.add(grant.untilMillis() + span);
                candidates.add(grant.fromMillis() + 1);
            }
            for (long candidate : candidates.tailSet(notBefore)) {
                if (room(candidate, candidate + validity) >= 1) {
                    return candidate;
                }
            }
            return Math.max(notBefore, candidates.last()); // not reached: once every grant stops counting, all is free
        }
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
