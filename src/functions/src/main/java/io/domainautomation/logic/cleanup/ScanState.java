package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where a cleanup scan stands; passed from one invocation to the next as the cursor, and reported. Apps are
 * scanned in name order, so {@code lastApp} says exactly where to resume, whatever apps appear or go meanwhile.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ScanState {

    /** One domain the scan plans to remove, with the rules that made it stale and its app's platform host. */
    public record Planned(String app, String appHost, String domainId, String domain, List<String> rules) {
    }

    /** One domain kept although stale, with why. */
    public record Kept(String app, String domain, String reason) {
    }

    public static final int MAX_DETAILS = 200;

    public String scanId;
    public String startedAt;
    public boolean dryRun = true;
    public String lastApp;
    public int invocations;
    public int appsScanned;
    public int domainsExamined;
    public Map<String, Integer> candidatesByRule = new TreeMap<>();
    public Map<String, Integer> keptByReason = new TreeMap<>();
    public List<Planned> planned = new ArrayList<>();
    /** Planned removals counted, including those beyond {@link #planned} once it is longer than any cap. */
    public int plannedTotal;
    public List<Kept> keptDetails = new ArrayList<>();
    public List<String> errors = new ArrayList<>();
    /** Consecutive failed attempts at the app after {@link #lastApp}. */
    public int failuresAtNextApp;

    public void keep(String app, String domain, String reason) {
        keptByReason.merge(reason, 1, Integer::sum);
        if (keptDetails.size() < MAX_DETAILS) {
            keptDetails.add(new Kept(app, domain, reason));
        }
    }

    public void error(String message) {
        if (errors.size() < MAX_DETAILS) {
            errors.add(message);
        }
    }
}
