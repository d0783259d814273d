package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.domainautomation.sandbox.CfnStack;
import io.domainautomation.sandbox.StackBinding;
import io.domainautomation.testsupport.ProjectFiles;

/**
 * Two stacks of template.yaml in one account and region (docs/deploy.md's two-region recipe), deployed on paper with
 * their defaults: nothing one names (functions, log groups, schedules, buses, dashboards, metric namespaces, the
 * certificate secrets they read) is named the same by the other.
 */
class StacksApartTest {

    /** Properties that name something in the account. */
    private static final Set<String> NAMING = Set.of("Name", "FunctionName", "LogGroupName", "DashboardName", "TableName",
            "QueueName", "AlarmName", "Namespace", "ROTATION_SECRET_NAME_PREFIX", "METRICS_NAMESPACE", "prefix");
    private static final Pattern DASHBOARD_NAMESPACE = Pattern.compile("\"(ScalingoDomainAutomation[^\",}]*)\"|\\{(ScalingoDomainAutomation[^,]*),");

    @Test
    void twoStacksWithTheirDefaultsShareNoNameNoMetricAndNoSecret() throws IOException {
        Set<String> alpha = names("alpha");
        Set<String> beta = names("beta");
        assertTrue(alpha.size() > 15, "the names of a stack were found: " + alpha);
        Set<String> shared = new TreeSet<>(alpha);
        shared.retainAll(beta);
        shared.removeIf(name -> name.startsWith("AWS/") || name.equals("aws.secretsmanager"));
        assertEquals(Set.of(), shared, "named the same by both stacks");
        assertTrue(alpha.contains("scalingo-certs/alpha/"), "the certificate prefix carries the stack: " + alpha);
        assertTrue(alpha.contains("ScalingoDomainAutomation/alpha"), "the metric namespace carries the stack: " + alpha);
    }

    @Test
    void everyAlarmOnTheProjectsMetricsReadsItsOwnStacksNamespace() throws IOException {
        CfnStack stack = stack("alpha");
        List<String> namespaces = new ArrayList<>();
        stack.resources().forEach((id, resource) -> {
            if ("AWS::CloudWatch::Alarm".equals(((Map<?, ?>) resource).get("Type"))) {
                collect(resolveOrSkip(stack, ((Map<?, ?>) resource).get("Properties")), "", namespaces, Set.of("Namespace"));
            }
        });
        assertTrue(namespaces.contains("ScalingoDomainAutomation/alpha"), namespaces.toString());
        namespaces.removeIf(namespace -> namespace.startsWith("AWS/"));
        assertEquals(Set.of("ScalingoDomainAutomation/alpha"), new HashSet<>(namespaces));
    }

    private static CfnStack stack(String name) throws IOException {
        return CfnStack.read(ProjectFiles.at("template.yaml"), StackBinding.of(name)
                .parameter("ScalingoApiTokenSecretArn", "arn:aws:secretsmanager:eu-west-3:000000000000:secret:" + name + "-token-AbCdEf")
                .parameter("ReleaseId", "0".repeat(64)));
    }

    /** Every name the stack's resources give, resolved; resources of conditions that do not hold are left out. */
    private static Set<String> names(String stackName) throws IOException {
        CfnStack stack = stack(stackName);
        List<String> names = new ArrayList<>();
        stack.resources().forEach((id, raw) -> {
            Map<?, ?> resource = (Map<?, ?>) raw;
            if (resource.get("Condition") != null && !stack.condition(String.valueOf(resource.get("Condition")))) {
                return;
            }
            Object properties = resource.get("Properties");
            if (properties instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> property : map.entrySet()) {
                    String key = String.valueOf(property.getKey());
                    if (key.equals("DashboardBody")) {
                        Matcher namespace = DASHBOARD_NAMESPACE.matcher(String.valueOf(stack.resolve(property.getValue())));
                        while (namespace.find()) {
                            names.add(namespace.group(1) != null ? namespace.group(1) : namespace.group(2));
                        }
                    } else if (resolvable(key)) {
                        collect(resolveOrSkip(stack, property.getValue()), key, names, NAMING);
                    }
                }
            }
        });
        return new HashSet<>(names);
    }

    /** Properties that hold names or contain them (events, environment, patterns, metrics); not SAM's own references. */
    private static boolean resolvable(String key) {
        return NAMING.contains(key) || Set.of("Events", "Environment", "EventPattern", "Metrics").contains(key);
    }

    private static Object resolveOrSkip(CfnStack stack, Object node) {
        if (node instanceof Map<?, ?> map && !map.isEmpty() && !String.valueOf(map.keySet().iterator().next()).startsWith("Fn::")
                && !map.containsKey("Ref")) {
            Map<Object, Object> resolved = new java.util.LinkedHashMap<>();
            map.forEach((key, value) -> resolved.put(key, resolveOrSkip(stack, value)));
            return resolved;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(item -> resolveOrSkip(stack, item)).toList();
        }
        try {
            return stack.resolve(node);
        } catch (IllegalArgumentException refsSamsOwnResources) {
            return null; // a reference to a resource SAM makes (an alias, a role): not a name this template gives
        }
    }

    private static void collect(Object node, String key, List<String> names, Set<String> naming) {
        if (key.equals("Dimensions")) {
            return; // dimension names (Function, FunctionName) are the same in every stack by design
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collect(v, String.valueOf(k), names, naming));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, key, names, naming));
        } else if (node instanceof String text && naming.contains(key)) {
            names.add(text);
        }
    }
}
