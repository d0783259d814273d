package io.domainautomation.logic;

import java.util.regex.Pattern;

/** A Scalingo app name or ID as it may appear in a path: lower-case letters, digits and hyphens. */
public final class AppName {

    private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private AppName() {
    }

    public static String parse(String field, String raw) throws InvalidInput {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInput(field, field + " is required");
        }
        String app = raw.strip();
        if (!APP.matcher(app).matches()) {
            throw new InvalidInput(field, field + " \"" + InvalidInput.shown(app)
                    + "\" is not a Scalingo app name or ID (lower-case letters, digits and hyphens, at most 63)");
        }
        return app;
    }
}
