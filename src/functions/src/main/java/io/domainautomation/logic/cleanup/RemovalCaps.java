package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The caps on removals, pure: above the run cap nothing is removed at all; above an app's cap nothing of that app
 * is. Like a policy engine's max-resources: a plan this large is more likely a mistake than a clean-up.
 */
public final class RemovalCaps {

    public record Split(List<ScanState.Planned> allowed, List<ScanState.Planned> capped, String reason) {
    }

    private RemovalCaps() {
    }

    public static Split apply(List<ScanState.Planned> planned, int plannedTotal, int perRun, int perApp) {
        if (plannedTotal > perRun) {
            return new Split(List.of(), planned, plannedTotal + " removals planned, above the run cap of " + perRun
                    + ": nothing removed");
        }
        Map<String, List<ScanState.Planned>> byApp = planned.stream()
                .collect(Collectors.groupingBy(ScanState.Planned::app, java.util.LinkedHashMap::new, Collectors.toList()));
        List<ScanState.Planned> allowed = new ArrayList<>();
        List<ScanState.Planned> capped = new ArrayList<>();
        byApp.forEach((app, removals) -> (removals.size() > perApp ? capped : allowed).addAll(removals));
        return new Split(allowed, capped, capped.isEmpty() ? null : "above the cap of " + perApp + " removals per app");
    }
}
