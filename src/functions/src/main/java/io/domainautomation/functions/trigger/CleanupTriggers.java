package io.domainautomation.functions.trigger;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.logic.InvalidInput;

/**
 * What cleanup-stale is asked to do: start a scan (the schedule, or by hand; a caller may ask for a dry run, never
 * for removals), go on with the running scan (the continuation this function sends itself: a scan id and a step,
 * nothing else is read), or restore a removed domain from its tombstone.
 */
public final class CleanupTriggers {

    public sealed interface Request permits Start, Resume, Restore {
    }

    public record Start(boolean dryRunAsked) implements Request {
    }

    public record Resume(String scanId, int step) implements Request {
    }

    public record Restore(String app, String domain) implements Request {
    }

    private CleanupTriggers() {
    }

    public static Request parse(JsonNode event) throws InvalidInput {
        if (event == null || !event.isObject()) {
            return new Start(false);
        }
        if (event.has("cursor")) {
            throw new InvalidInput("cursor", "a continuation carries only scanId and step; the scan's state is in the ledger");
        }
        if (event.has("restore")) {
            JsonNode restore = event.get("restore");
            if (!restore.isObject()) {
                throw new InvalidInput("restore", "restore must be an object with app and domain");
            }
            return new Restore(JsonInput.requiredText(restore, "app"), JsonInput.requiredText(restore, "domain"));
        }
        if (event.has("scanId")) {
            JsonNode step = event.get("step");
            if (step == null || !step.canConvertToInt() || !step.isIntegralNumber() || step.intValue() < 0) {
                throw new InvalidInput("step", "step must be a whole number, the one the previous invocation handed on");
            }
            return new Resume(JsonInput.requiredText(event, "scanId"), step.intValue());
        }
        return new Start(JsonInput.optionalBoolean(event, "dryRun", false));
    }
}
