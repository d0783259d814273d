package io.domainautomation.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One principal's identity-based policy, as IAM evaluates it for a request: an explicit Deny wins, then an Allow, and
 * anything else is denied implicitly. Actions match case-insensitively, resources exactly, both with IAM's {@code *}
 * and {@code ?} wildcards. A statement's conditions are evaluated on the request's condition keys
 * ({@link Condition}: the string operators, plain or {@code ForAllValues:}), a key absent from the request as IAM
 * treats it ({@code ForAllValues:} holds, a plain operator does not); a statement whose condition needs a key the
 * sandbox could not read from the request matches nothing (an Allow allows nothing, a Deny is reported as not
 * evaluable), never a guess.
 */
record IamPolicy(String principalArn, List<Statement> statements) {

    /**
     * The request's condition keys this sandbox reads (e.g. {@code dynamodb:LeadingKeys}), with their values. A key
     * not listed is absent from the request, as IAM sees it ({@code complete}), or, for a request the sandbox does not
     * read it from (a batch, a transaction), not known ({@code !complete}).
     */
    record Context(Map<String, List<String>> keys, boolean complete) {
        /** A request carrying none of the keys read here (every call but DynamoDB's item calls and queries). */
        static final Context NONE = new Context(Map.of(), true);
        /** A request whose keys the sandbox does not read. */
        static final Context UNREAD = new Context(Map.of(), false);

        Context(Map<String, List<String>> keys) {
            this(keys, true);
        }

        Context {
            keys = Map.copyOf(keys);
        }
    }

    /**
     * One condition: {@code StringEquals} or {@code StringLike}, optionally {@code ForAllValues:}, on one key. As IAM
     * evaluates them: a plain operator needs the key in the request (one value matching); {@code ForAllValues:} is
     * true when every value the request carries matches, and so also when the request carries none.
     */
    record Condition(String operator, String key, List<String> values) {
        static final List<String> OPERATORS = List.of("StringEquals", "StringLike", "ForAllValues:StringEquals",
                "ForAllValues:StringLike");
        /** The condition keys the sandbox reads from requests (IamRequests). */
        static final List<String> KEYS = List.of("dynamodb:LeadingKeys");

        Condition {
            if (!OPERATORS.contains(operator)) {
                throw new IllegalArgumentException("the condition operator " + operator + " cannot be evaluated here");
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("the condition key " + key + " is not read from requests here");
            }
            values = List.copyOf(values);
        }

        boolean holds(List<String> requestValues) {
            boolean like = operator.endsWith("StringLike");
            java.util.function.Predicate<String> matches = value -> values.stream()
                    .anyMatch(expected -> like ? wildcard(expected, value, false) : expected.equals(value));
            if (operator.startsWith("ForAllValues:")) {
                return requestValues.stream().allMatch(matches);
            }
            return requestValues.stream().anyMatch(matches);
        }
    }

    /**
     * One statement: Allow or Deny, its actions (or NotAction), resources (or NotResource) and conditions (all must
     * hold).
     */
    record Statement(boolean allow, List<String> actions, boolean notAction, List<String> resources, boolean notResource,
            List<Condition> conditions) {

        Statement(boolean allow, List<String> actions, boolean notAction, List<String> resources, boolean notResource) {
            this(allow, actions, notAction, resources, notResource, List.of());
        }

        Statement {
            conditions = List.copyOf(conditions);
        }

        boolean matches(String action, String resource) {
            boolean actionMatches = actions.stream().anyMatch(pattern -> wildcard(pattern, action, true));
            boolean resourceMatches = resources.stream().anyMatch(pattern -> wildcard(pattern, resource, false));
            return actionMatches != notAction && resourceMatches != notResource;
        }

        /** Whether its conditions hold for the request; empty when one needs a key the sandbox did not read from it. */
        java.util.Optional<Boolean> conditionsHold(Context context) {
            boolean hold = true;
            for (Condition condition : conditions) {
                List<String> values = context.keys().get(condition.key());
                if (values == null && !context.complete()) {
                    return java.util.Optional.empty();
                }
                hold &= condition.holds(values == null ? List.of() : values);
            }
            return java.util.Optional.of(hold);
        }
    }

    enum Decision {
        ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED
    }

    Decision decide(String action, String resource) {
        return decide(action, resource, Context.NONE);
    }

    Decision decide(String action, String resource, Context context) {
        boolean allowed = false;
        for (Statement statement : statements) {
            if (!statement.matches(action, resource)) {
                continue;
            }
            java.util.Optional<Boolean> hold = statement.conditionsHold(context);
            if (!statement.allow()) {
                if (hold.isEmpty()) {
                    throw new IllegalStateException("a Deny on " + action + " has a condition on a key the sandbox does not read"
                            + " from this request: it cannot be evaluated here");
                }
                if (hold.get()) {
                    return Decision.EXPLICITLY_DENIED;
                }
            } else if (hold.orElse(false)) {
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
