package io.domainautomation.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IAM as the sandbox enforces it: off until the template's policies are given ({@link #enforce}); then every call a
 * function signs is decided against that function's own policy, as AWS would for its role. A caller is a function by
 * its access key: {@code local-<export>} (what the functions use against the sandbox), or a key bound to an export
 * (container credentials). Any other key is the operator's or a test's own tooling (seeding secrets, reading what was
 * sent), which the stack's IAM does not govern, and is let through.
 */
final class IamState {

    static final String LOCAL_KEY_PREFIX = "local-";
    /** The tests' and local tools' own calls (LocalCredentials.OPERATOR): no function, let through. */
    static final String OPERATOR_KEY = LOCAL_KEY_PREFIX + "operator";

    /** A denial: AWS' message for it. */
    record Denial(String message) {
    }

    private volatile TemplateIam policies;
    private final Map<String, String> boundKeys = new ConcurrentHashMap<>();
    // Each distinct decision once, in the order first seen: bounded by what the functions call, not by how often.
    private final Set<IamDecision> decisions = Collections.synchronizedSet(new LinkedHashSet<>());

    void enforce(TemplateIam templatePolicies) {
        policies = templatePolicies;
    }

    boolean enforced() {
        return policies != null;
    }

    void bind(String accessKeyId, String export) {
        boundKeys.put(accessKeyId, export);
    }

    /** The function that signed with this key, if it is one. */
    Optional<String> functionOf(String accessKeyId) {
        if (accessKeyId == null || accessKeyId.equals(OPERATOR_KEY)) {
            return Optional.empty();
        }
        if (boundKeys.containsKey(accessKeyId)) {
            return Optional.of(boundKeys.get(accessKeyId));
        }
        return accessKeyId.startsWith(LOCAL_KEY_PREFIX) ? Optional.of(accessKeyId.substring(LOCAL_KEY_PREFIX.length()))
                : Optional.empty();
    }

    /** Empty when the call may go on; the denial otherwise. Every function's call is recorded. */
    Optional<Denial> authorize(String accessKeyId, String action, List<String> resources) {
        return authorize(accessKeyId, action, resources, IamPolicy.Context.NONE);
    }

    /** The same, with the request's condition keys (IamRequests reads them). */
    Optional<Denial> authorize(String accessKeyId, String action, List<String> resources, IamPolicy.Context context) {
        TemplateIam current = policies;
        Optional<String> function = functionOf(accessKeyId);
        if (current == null || function.isEmpty()) {
            return Optional.empty();
        }
        String export = function.get();
        Optional<IamPolicy> policy = current.policyOf(export);
        for (String resource : resources) {
            if (policy.isEmpty()) {
                decisions.add(new IamDecision(export, action, resource, false));
                return Optional.of(new Denial("User: arn:aws:sts::000000000000:assumed-role/unknown/" + export
                        + " is not authorized to perform: " + action + " on resource: " + resource
                        + " because no identity-based policy allows the " + action + " action (no function of the stack exports "
                        + export + ")"));
            }
            IamPolicy.Decision decision = policy.get().decide(action, resource, context);
            decisions.add(new IamDecision(export, action, resource, decision == IamPolicy.Decision.ALLOWED));
            if (decision != IamPolicy.Decision.ALLOWED) {
                return Optional.of(new Denial(policy.get().denial(action, resource, decision)));
            }
        }
        return Optional.empty();
    }

    List<IamDecision> decisions() {
        synchronized (decisions) {
            return new ArrayList<>(decisions);
        }
    }

    void clearDecisions() {
        decisions.clear();
    }
}
