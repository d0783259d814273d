package io.domainautomation.functions.trigger;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.cleanup.CleanupRequest;

/** cleanup-stale's payload read as a {@link CleanupRequest}: a start, a continuation, or a restore. */
public final class CleanupTriggers {

    private CleanupTriggers() {
    }

    public static CleanupRequest parse(JsonNode event) throws InvalidInput {
        if (event == null || !event.isObject()) {
            return new CleanupRequest.Start(false);
        }
        if (event.has("cursor")) {
            throw new InvalidInput("cursor", "a continuation carries only scanId and step; the scan's state is in the ledger");
        }
        if (event.has("restore")) {
            JsonNode restore = event.get("restore");
            if (!restore.isObject()) {
                throw new InvalidInput("restore", "restore must be an object with app and domain");
            }
            if (JsonInput.optionalBoolean(event, "dryRun", false)) {
                throw new InvalidInput("dryRun", "a restore has no dry run: it links the domain again; leave dryRun out");
            }
            return new CleanupRequest.Restore(JsonInput.requiredText(restore, "app"), JsonInput.requiredText(restore, "domain"));
        }
        if (event.has("scanId")) {
            JsonNode step = event.get("step");
            if (step == null || !step.canConvertToInt() || !step.isIntegralNumber() || step.intValue() < 0) {
                throw new InvalidInput("step", "step must be a whole number, the one the previous invocation handed on");
            }
            return new CleanupRequest.Resume(JsonInput.requiredText(event, "scanId"), step.intValue(),
                    JsonInput.optionalBoolean(event, "dryRun", false));
        }
        return new CleanupRequest.Start(JsonInput.optionalBoolean(event, "dryRun", false));
    }
}
