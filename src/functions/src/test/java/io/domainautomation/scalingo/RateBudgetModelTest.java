package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The account's budget shared (the code the functions run, on a virtual clock) against today's fixed shares, on the
 * same arrivals: what the shared budget must give (no 429, the scan of 50,000 apps within a day, signups within
 * seconds, the account used while work waits). Figures, not timings: the model's clock is virtual.
 */
class RateBudgetModelTest {

    static final long MINUTE = 60_000;

    @Test
    void steadySignupsWhileTheScanRunsAreLinkedWithinSecondsAndNothingIsRefused() {
        List<Long> arrivals = RateBudgetModel.steady(10, 60 * MINUTE, 1);
        RateBudgetModel.Result shared = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, arrivals, 50_000, 6, 62 * MINUTE);
        RateBudgetModel.Result fixed = RateBudgetModel.run(RateBudgetModel.Mode.FIXED, 1, arrivals, 50_000, 6, 62 * MINUTE);
        System.out.println("steady shared p50 " + shared.percentile(0.5) + " p99 " + shared.percentile(0.99) + " cleanup "
                + shared.cleanupRequests() + " 429 " + shared.tooManyRequests() + "/" + shared.peopleTooMany() + " store/req "
                + (double) shared.storeCalls() / shared.automationRequests() + " use " + shared.busyUse());
        System.out.println("steady fixed p50 " + fixed.percentile(0.5) + " p99 " + fixed.percentile(0.99) + " cleanup "
                + fixed.cleanupRequests() + " 429 " + fixed.tooManyRequests() + "/" + fixed.peopleTooMany() + " use " + fixed.busyUse());
        assertEquals(arrivals.size(), shared.signupMillis().size(), "every signup linked");
        assertEquals(arrivals.size(), fixed.signupMillis().size());
        assertTrue(shared.percentile(0.99) * 4 < fixed.percentile(0.99), "p99 " + shared.percentile(0.99) + " against "
                + fixed.percentile(0.99));
        assertTrue(shared.percentile(0.99) <= 10_000, "the issue's goal: p99 within 10 s, " + shared.percentile(0.99));
        assertEquals(0, shared.tooManyRequests() + shared.peopleTooMany() + fixed.tooManyRequests() + fixed.peopleTooMany());
        assertTrue(shared.cleanupRequests() > 2 * fixed.cleanupRequests(), "the scan uses what signups leave");
    }

    /**
     * The steady p99 is a figure of an hour's 600 signups, and varies with their arrivals: over nine hours of arrivals
     * (nine seeds) taken together, the goal holds (p99 within 10 s), though an hour's own p99 may not.
     */
    @Test
    void overNineHoursOfSteadyArrivalsTheSignupP99IsWithinTenSeconds() {
        List<RateBudgetModel.Result> hours = RateBudgetModel.steadyHours(RateBudgetModel.Mode.SHARED, RateBudgetModel.SETTINGS);
        assertEquals(RateBudgetModel.SEEDS, hours.size());
        for (int i = 0; i < hours.size(); i++) {
            long seed = i + 1;
            RateBudgetModel.Result hour = hours.get(i);
            assertEquals(0, hour.tooManyRequests() + hour.peopleTooMany(), "seed " + seed);
            assertEquals(RateBudgetModel.steady(10, 60 * MINUTE, seed).size(), hour.signupMillis().size(),
                    "seed " + seed + ": every signup linked in the run");
        }
        List<Long> all = RateBudgetModel.pooled(hours);
        long p99 = RateBudgetModel.percentile(all, 0.99);
        System.out.println("steady, nine seeds together: " + all.size() + " signups, p99 " + p99);
        assertTrue(all.size() > 8 * 550, "nine hours of signups at 10 a minute: " + all.size());
        assertTrue(p99 <= 10_000, "p99 of nine hours' signups " + p99);
    }

    /** The percentile the figures are given by: nearest rank, whatever the order, 0 for nothing. */
    @Test
    void percentilesAreByNearestRank() {
        List<Long> hundred = new java.util.ArrayList<>();
        for (long i = 100; i >= 1; i--) {
            hundred.add(i);
        }
        assertEquals(99, RateBudgetModel.percentile(hundred, 0.99));
        assertEquals(50, RateBudgetModel.percentile(hundred, 0.5));
        assertEquals(100, RateBudgetModel.percentile(hundred, 1.0));
        assertEquals(7, RateBudgetModel.percentile(List.of(7L), 0.99));
        assertEquals(0, RateBudgetModel.percentile(List.of(), 0.99));
    }

    /**
     * The rotation's daily run in the steady scenario: served before the scan (it takes what the scan had, not what the
     * signups have), in well under half the time today's share of 8 a minute takes.
     */
    @Test
    void theRotationsDailyRunGoesBeforeTheScanAndSignupsKeepTheirP99() {
        List<Long> arrivals = RateBudgetModel.steady(10, 60 * MINUTE, 1);
        RateBudgetModel.Result alone = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, arrivals, 50_000, 6, 62 * MINUTE);
        RateBudgetModel.Result shared = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, arrivals, 50_000, 6, 62 * MINUTE,
                RateBudgetModel.DAILY_ROTATION);
        RateBudgetModel.Result fixed = RateBudgetModel.run(RateBudgetModel.Mode.FIXED, 1, arrivals, 50_000, 6, 62 * MINUTE,
                RateBudgetModel.DAILY_ROTATION);
        System.out.println("rotation shared p99 " + shared.percentile(0.99) + " run " + shared.rotationMillis() + " cleanup "
                + shared.cleanupRequests() + "; fixed p99 " + fixed.percentile(0.99) + " run " + fixed.rotationMillis());
        assertEquals(arrivals.size(), shared.signupMillis().size(), "every signup linked");
        assertTrue(shared.rotationMillis() > 0 && fixed.rotationMillis() > 0, "the run done in both modes");
        // today's 8 a minute: 330 requests take over 40 minutes
        assertTrue(fixed.rotationMillis() > 40 * MINUTE, "fixed " + fixed.rotationMillis());
        // shared: what the signups leave, less their headroom (some 23 a minute here)
        assertTrue(5 * shared.rotationMillis() < 2 * fixed.rotationMillis(), shared.rotationMillis() + " against "
                + fixed.rotationMillis());
        // what the rotation took came from the scan: nearly request for request
        long scanGave = alone.cleanupRequests() - shared.cleanupRequests();
        assertTrue(scanGave >= 300 && scanGave <= 360, "the scan gave " + scanGave + " of the rotation's 330");
        assertTrue(shared.percentile(0.99) <= 10_000, "signups keep the issue's p99: " + shared.percentile(0.99));
        assertEquals(0, shared.tooManyRequests() + shared.peopleTooMany() + fixed.tooManyRequests() + fixed.peopleTooMany());
    }

    @Test
    void aBurstOf500SignupsDuringTheScanEndsNearTheIdeal() {
        List<Long> arrivals = RateBudgetModel.burst(500);
        RateBudgetModel.Result shared = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 2, arrivals, 50_000, 6, 120 * MINUTE);
        RateBudgetModel.Result fixed = RateBudgetModel.run(RateBudgetModel.Mode.FIXED, 2, arrivals, 50_000, 6, 120 * MINUTE);
        double ideal = 1000.0 / RateBudgetModel.SETTINGS.cap() * MINUTE;
        System.out.println("burst shared last " + shared.lastSignupDoneMillis() + " ideal " + ideal + " fixed last "
                + fixed.lastSignupDoneMillis() + " 429 " + shared.tooManyRequests() + "/" + shared.peopleTooMany());
        assertEquals(500, shared.signupMillis().size());
        assertTrue(shared.lastSignupDoneMillis() <= 1.15 * ideal, shared.lastSignupDoneMillis() + " against " + ideal);
        assertTrue(fixed.lastSignupDoneMillis() > 1.8 * ideal, "today's 24 a minute: " + fixed.lastSignupDoneMillis());
        assertEquals(0, shared.tooManyRequests(), "the automation's 429s");
        assertEquals(0, shared.peopleTooMany(), "the people's 429s");
    }

    /**
     * A day with 50,000 apps to scan: at the deployed cap (50) the scan ends within the day (four times today's share,
     * which does not), and signups keep their p99.
     */
    @Test
    void aDayOfScanningGetsFourTimesTodaysShareWhileSignupsKeepTheirP99() {
        List<Long> arrivals = RateBudgetModel.steady(3, 24 * 60 * MINUTE, 3);
        RateBudgetModel.Result shared = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 3, arrivals, 50_000, 6,
                24 * 60 * MINUTE);
        RateBudgetModel.Result fixed = RateBudgetModel.run(RateBudgetModel.Mode.FIXED, 3, arrivals, 50_000, 6,
                24 * 60 * MINUTE);
        assertTrue(shared.cleanupRequests() > 4 * fixed.cleanupRequests(), shared.cleanupRequests() + " against "
                + fixed.cleanupRequests());
        assertEquals(50_000, shared.cleanupRequests(), "the whole scan");
        assertTrue(shared.cleanupDoneMillis() > 0 && shared.cleanupDoneMillis() <= 24 * 60 * MINUTE,
                "done within the day: " + shared.cleanupDoneMillis());
        assertTrue(shared.percentile(0.99) <= 10_000, "p99 " + shared.percentile(0.99));
        assertEquals(0, shared.tooManyRequests() + shared.peopleTooMany());
    }

    /** The section BENCHMARKS.md holds (./mvnw -B verify -Pbenchmark writes it; printed here for a quick look). */
    @Test
    void theBenchmarkSectionComparesBothModesOnEveryFigure() {
        String section = RateBudgetModel.section();
        System.out.println(section);
        assertTrue(section.startsWith("## 8. One rate budget for the account (model)"));
        assertEquals(12 + 1 + RateBudgetModel.HEADROOMS.size(),
                section.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| scenario")).count(), section);
    }

    /** The store's requests, told apart by priority and cause, add up to what the store counted. */
    @Test
    void theStoreRequestsAreToldApartByCause() {
        RateBudgetModel.Result steady = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1,
                RateBudgetModel.steady(10, 60 * MINUTE, 1), 50_000, 6, 62 * MINUTE);
        assertEquals(steady.storeCalls(), steady.storeCallsByCause().values().stream().mapToLong(Long::longValue).sum(),
                steady.storeCallsByCause().toString());
        assertTrue(steady.storeCallsByCause().keySet().stream().anyMatch(c -> c.startsWith("CLEANUP: grant write")));
        System.out.println(RateBudgetModel.storeCallsBreakdown());
    }

    /**
     * Issue #32: containers take small batches of slots, so the budget store costs far fewer requests than Scalingo
     * calls: at most one for two (BENCHMARKS.md's goal), over the three scenarios.
     */
    @Test
    void theBudgetStoreCostsAtMostOneRequestForTwoScalingoRequests() {
        List<RateBudgetModel.Result> all = List.of(
                RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, RateBudgetModel.steady(10, 60 * MINUTE, 1), 50_000, 6,
                        62 * MINUTE),
                RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 2, RateBudgetModel.burst(500), 50_000, 6, 120 * MINUTE),
                RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 3, RateBudgetModel.steady(3, 24 * 60 * MINUTE, 3), 50_000, 6,
                        24 * 60 * MINUTE));
        long storeCalls = all.stream().mapToLong(RateBudgetModel.Result::storeCalls).sum();
        long requests = all.stream().mapToLong(RateBudgetModel.Result::automationRequests).sum();
        // 0.69 before signups read first only after others wrote and background work stopped reading first; 0.59 before
        // a refused write carried the item (ALL_OLD) rather than being followed by a read; 0.51 before background work
        // took 5 slots at once while signups held fewer than the headroom; 0.44 since
        assertTrue(2 * storeCalls <= requests, storeCalls + " store requests for " + requests + " Scalingo requests");
    }

    /** The headroom the scan leaves signups: less gives the scan more of the account, and signups a longer wait. */
    @Test
    void aSmallerHeadroomGivesTheScanMoreAndSignupsALongerWait() {
        List<Long> arrivals = RateBudgetModel.steady(10, 60 * MINUTE, 1);
        RateBudgetModel.Result small = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, arrivals, 50_000, 6, 62 * MINUTE,
                RateBudgetModel.SETTINGS.withHeadroom(2));
        RateBudgetModel.Result large = RateBudgetModel.run(RateBudgetModel.Mode.SHARED, 1, arrivals, 50_000, 6, 62 * MINUTE,
                RateBudgetModel.SETTINGS.withHeadroom(12));
        assertTrue(small.cleanupRequests() > large.cleanupRequests(), small.cleanupRequests() + " against "
                + large.cleanupRequests());
        assertTrue(small.busyUse() > large.busyUse());
        assertTrue(small.percentile(0.99) > large.percentile(0.99), small.percentile(0.99) + " against "
                + large.percentile(0.99));
        assertEquals(0, small.tooManyRequests() + small.peopleTooMany(), "no headroom is needed for the limit itself");
    }
}
