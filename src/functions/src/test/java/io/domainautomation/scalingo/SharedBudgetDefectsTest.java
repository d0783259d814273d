package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;

/**
 * Defects of the shared budget found by {@code simulation.BudgetSimulation}, each as a focused case on the in-memory
 * store and a clock the test moves ({@link SharedBudgetTest}'s style and settings: a cap of 54), each failing on the code
 * before its fix.
 */
class SharedBudgetDefectsTest {

    static final long T0 = SharedBudgetTest.T0;

    private final InMemoryBudgetStore store = new InMemoryBudgetStore();
    private long now = T0;

    private final SharedBudget.Clocks clocks = new SharedBudget.Clocks() {
        @Override
        public long millis() {
            return now;
        }

        @Override
        public long nanos() {
            return now * 1_000_000;
        }

        @Override
        public void sleepMillis(long millis) {
            now += millis;
        }
    };

    private SharedBudget container(Priority priority, int batch) {
        return new SharedBudget(store, "acct", priority, SharedBudgetTest.SETTINGS, batch,
                new RequestPacer(2, Duration.ofMinutes(1), Duration.ofSeconds(1)), clocks, () -> { });
    }

    /**
     * The window at {@code T0}, full (54 of 54): 12 slots of signups (a headroom of 6 for background work: it may take
     * up to 48), eight of them in grants ending 5 s apart (each stops counting 61 s after its end: at +10, +15, +20 and
     * +25 s), and 42 of the scan's, which count until +26 s and later.
     */
    private void aFullWindowWhoseSignupsAgeOutOneByOne() {
        List<BudgetWindow.Grant> grants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long until = T0 - 51_000 + 5_000L * i;
            grants.add(new BudgetWindow.Grant(until - 2_000, until, 2, Priority.SIGNUP));
        }
        for (int i = 0; i < 14; i++) {
            long until = T0 - 35_000 + 2_000L * i;
            grants.add(new BudgetWindow.Grant(until - 2_000 - 2_222, until, 3, Priority.CLEANUP));
        }
        grants.add(new BudgetWindow.Grant(T0 - 3_000, T0 - 1_000, 4, Priority.SIGNUP));
        assertTrue(store.write(new BudgetWindow("acct", grants, 0, 0, 1)).written());
    }

    /**
     * Found by BudgetSimulation seed 3904 (invariant 6-priority-wait): cleanup was granted a slot while the rotation,
     * told by the budget to look again later, waited. {@code BudgetPolicy.take} computes background work's headroom once,
     * from the grants live at the look ({@code headroom(live)}), and holds every later start to it; but the headroom
     * falls as the signups' grants age out of the window. The rotation's "not before" is then too late, and a cleanup
     * looking in between, on the headroom of its own (later) look, takes the slot the rotation would have had: the
     * order "the rotation, then cleanup-stale" is inverted for up to the difference (here 3 s; in the simulation
     * whatever the signups' grants' ends make it).
     */
    @Test
    void aWaitingRotationIsNotOvertakenByCleanupAsTheSignupsHeadroomFalls() {
        aFullWindowWhoseSignupsAgeOutOneByOne();
        SharedBudget rotation = container(Priority.ROTATION, 3);
        SharedBudget.Attempt told = rotation.attempt(now, Long.MAX_VALUE, 1);
        assertFalse(told.granted(), "the window is full");
        now = T0 + 20_000; // three of the four early signup grants aged out: 48 used, 6 of them signups' (headroom 3)
        SharedBudget cleanup = container(Priority.CLEANUP, 3);
        SharedBudget.Attempt taken = cleanup.attempt(now, Long.MAX_VALUE, 1);
        assertTrue(!taken.granted() || told.atMillis() <= now, "cleanup granted a slot at +" + (taken.atMillis() - T0)
                + " ms while the rotation, waiting since +0, was told to look again at +" + (told.atMillis() - T0) + " ms");
    }
}
