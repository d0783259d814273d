package io.domainautomation.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One principal's identity-based policy, as IAM evaluates it for a request without conditions: an explicit Deny wins,
 * then an Allow, and anything else is denied implicitly. Actions match case-insensitively, resources exactly, both
 * with IAM's {@code *} and {@code ?} wildcards.
 */
record IamPolicy(String principalArn, List<Statement> statements) {

    /** One statement: Allow or Deny, its actions (or NotAction) and resources (or NotResource). */
    record Statement(boolean allow, List<String> actions, boolean notAction, List<String> resources, boolean notResource) {

        boolean matches(String action, String resource) {
            boolean actionMatches = actions.stream().anyMatch(pattern -> wildcard(pattern, action, true));
            boolean resourceMatches = resources.stream().anyMatch(pattern -> wildcard(pattern, resource, false));
            return actionMatches != notAction && resourceMatches != notResource;
        }
    }

    enum Decision {
        ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED
    }

    Decision decide(String action, String resource) {
        boolean allowed = false;
        for (Statement statement : statements) {
            if (statement.matches(action, resource)) {
                if (!statement.allow()) {
                    return Decision.EXPLICITLY_DENIED;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOWED : Decision.IMPLICITLY_DENIED;
    }

    /** The message AWS gives for a denied call, with the reason it gives for each kind of denial. */
    String denial(String action, String resource, Decision decision) {
        String why = decision == Decision.EXPLICITLY_DENIED ? "with an explicit deny in an identity-based policy"
                : "because no identity-based policy allows the " + action + " action";
        return "User: " + principalArn + " is not authorized to perform: " + action + " on resource: " + resource + " " + why;
    }

    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL)
                .matcher(ignoreCase ? value.toLowerCase(Locale.ROOT) : value).matches();
    }
}
