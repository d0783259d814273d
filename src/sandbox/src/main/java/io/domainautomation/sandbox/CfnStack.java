package io.domainautomation.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudFormation template as one stack sees it: every intrinsic function (Ref, Sub, GetAtt, If, Join, Select, Split
 * and the condition functions) evaluated for the stack's name, region, account and parameters, and the physical
 * names the binding gives resources the template leaves unnamed. What it cannot evaluate exactly it refuses
 * ({@link IllegalArgumentException}) rather than guess.
 */
public final class CfnStack {

    /** What {@code !Ref AWS::NoValue} resolves to: the property is left out. */
    public static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final Map<String, Object> template;
    private final StackBinding stack;

    private CfnStack(Map<String, Object> template, StackBinding stack) {
        this.template = template;
        this.stack = stack;
    }

    /**
     * @throws IllegalArgumentException the stack's parameters break one of the template's Rules, as CloudFormation would
     *         refuse the deployment (with the rule's AssertDescription)
     */
    public static CfnStack read(Path templateFile, StackBinding stack) throws IOException {
        CfnStack read = new CfnStack(CfnYaml.read(templateFile), stack);
        read.checkRules();
        return read;
    }

    private void checkRules() {
        Object rules = template.get("Rules");
        if (rules == null) {
            return;
        }
        map(rules).forEach((name, rule) -> {
            Map<String, Object> body = map(rule);
            if (body.containsKey("RuleCondition") && !truth(body.get("RuleCondition"))) {
                return;
            }
            for (Object assertion : (List<?>) body.get("Assertions")) {
                if (!truth(map(assertion).get("Assert"))) {
                    throw new IllegalArgumentException("rule " + name + ": " + map(assertion).get("AssertDescription"));
                }
            }
        });
    }

    public StackBinding binding() {
        return stack;
    }

    /** The template's resources, unresolved, by logical id. */
    public Map<String, Object> resources() {
        return map(template.get("Resources"));
    }

    /** What the template's Globals give every function ({@code Globals.Function}), unresolved; empty without them. */
    public Map<String, Object> functionGlobals() {
        Object globals = template.get("Globals");
        return globals == null ? Map.of() : map(map(globals).getOrDefault("Function", Map.of()));
    }

    /** Whether the named condition of the template holds for this stack. */
    public boolean condition(String name) {
        Object definition = map(template.get("Conditions")).get(name);
        if (definition == null) {
            throw new IllegalArgumentException("no condition " + name);
        }
        return truth(definition);
    }

    /** The node with every intrinsic function evaluated; {@link #NO_VALUE} entries left out of lists and maps. */
    public Object resolve(Object node) {
        if (node instanceof List<?> list) {
            List<Object> values = new ArrayList<>();
            for (Object item : list) {
                Object value = resolve(item);
                if (value != NO_VALUE) {
                    values.add(value);
                }
            }
            return values;
        }
        if (!(node instanceof Map<?, ?>)) {
            return node == null ? null : node instanceof String ? node : String.valueOf(node);
        }
        Map<String, Object> map = map(node);
        if (map.size() == 1) {
            String function = map.keySet().iterator().next();
            Object argument = map.get(function);
            switch (function) {
                case "Ref":
                    return reference(text(argument));
                case "Fn::Sub":
                    return substitute(argument);
                case "Fn::GetAtt":
                    List<?> parts = argument instanceof List<?> list ? list : List.of(text(argument).split("\\.", 2));
                    return attribute(text(resolve(parts.get(0))), text(resolve(parts.get(1))));
                case "Fn::If":
                    List<?> branches = (List<?>) argument;
                    return resolve(condition(text(branches.get(0))) ? branches.get(1) : branches.get(2));
                case "Fn::Join":
                    List<?> join = (List<?>) argument;
                    return String.join(text(join.get(0)), texts(resolve(join.get(1))));
                case "Fn::Select":
                    List<?> select = (List<?>) argument;
                    return texts(resolve(select.get(1))).get(Integer.parseInt(text(resolve(select.get(0)))));
                case "Fn::Split":
                    List<?> split = (List<?>) argument;
                    return List.of(text(resolve(split.get(1))).split(Pattern.quote(text(split.get(0))), -1));
                case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
                    return String.valueOf(truth(map));
                default:
                    if (function.startsWith("Fn::")) {
                        throw new IllegalArgumentException(function + " cannot be evaluated here");
                    }
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            Object resolved = resolve(value);
            if (resolved != NO_VALUE) {
                values.put(key, resolved);
            }
        });
        return values;
    }

    private Object reference(String name) {
        switch (name) {
            case "AWS::Region":
                return stack.region();
            case "AWS::AccountId":
                return stack.accountId();
            case "AWS::Partition":
                return stack.partition();
            case "AWS::StackName":
                return stack.stackName();
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                return NO_VALUE;
            default:
        }
        Map<String, Object> parameters = map(template.get("Parameters"));
        if (parameters.containsKey(name)) {
            if (stack.parameters().containsKey(name)) {
                return stack.parameters().get(name);
            }
            Object fallback = map(parameters.get(name)).get("Default");
            if (fallback == null) {
                throw new IllegalArgumentException("parameter " + name + " has no default: give its value in the stack binding");
            }
            return String.valueOf(fallback);
        }
        if (resources().containsKey(name)) {
            return physicalName(name);
        }
        throw new IllegalArgumentException("!Ref " + name + ": no such parameter or resource");
    }

    private String substitute(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            text = text(list.get(0));
            variables = map(list.get(1));
        } else {
            text = text(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            String value;
            if (variable.startsWith("!")) {
                value = "${" + variable.substring(1) + "}";
            } else if (variables.containsKey(variable)) {
                value = text(resolve(variables.get(variable)));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                value = attribute(variable.substring(0, variable.indexOf('.')), variable.substring(variable.indexOf('.') + 1));
            } else {
                value = text(reference(variable));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The attributes the template's policies use, for the resource types they point at. */
    private String attribute(String logicalId, String attribute) {
        Map<String, Object> resource = map(resources().get(logicalId));
        String type = String.valueOf(resource.get("Type"));
        String name = physicalName(logicalId);
        String prefix = "arn:" + stack.partition() + ":";
        String regional = stack.region() + ":" + stack.accountId() + ":";
        return switch (type + "." + attribute) {
            case "AWS::DynamoDB::Table.Arn" -> prefix + "dynamodb:" + regional + "table/" + name;
            case "AWS::SQS::Queue.Arn" -> prefix + "sqs:" + regional + name;
            case "AWS::SQS::Queue.QueueName" -> name;
            case "AWS::Events::EventBus.Arn" -> prefix + "events:" + regional + "event-bus/" + name;
            case "AWS::Events::EventBus.Name" -> name;
            case "AWS::Serverless::Function.Arn", "AWS::Lambda::Function.Arn" -> prefix + "lambda:" + regional + "function:" + name;
            default -> throw new IllegalArgumentException("!GetAtt " + logicalId + "." + attribute + " (" + type + ") cannot be evaluated here");
        };
    }

    /**
     * The name CloudFormation gives the resource: the one the stack binding says (for a test's own table or queue),
     * else the one the template sets, else one made as CloudFormation makes it ({@code <stack>-<LogicalId>-<suffix>}).
     */
    public String physicalName(String logicalId) {
        if (stack.physicalNames().containsKey(logicalId)) {
            return stack.physicalNames().get(logicalId);
        }
        Map<String, Object> properties = map(map(resources().get(logicalId)).get("Properties"));
        for (String key : List.of("FunctionName", "TableName", "QueueName", "Name")) {
            if (properties.containsKey(key)) {
                return text(resolve(properties.get(key)));
            }
        }
        // As CloudFormation names what the template leaves unnamed: the stack's name, the logical id, a suffix.
        return stack.stackName() + "-" + logicalId + "-" + Integer.toHexString((stack.stackName() + logicalId).hashCode()).toUpperCase();
    }

    private boolean truth(Object node) {
        Map<String, Object> map = map(node);
        String function = map.keySet().iterator().next();
        Object argument = map.get(function);
        return switch (function) {
            case "Fn::Equals" -> {
                List<?> pair = (List<?>) argument;
                yield text(resolve(pair.get(0))).equals(text(resolve(pair.get(1))));
            }
            case "Fn::Not" -> !truth(((List<?>) argument).get(0));
            case "Fn::And" -> ((List<?>) argument).stream().allMatch(this::truth);
            case "Fn::Or" -> ((List<?>) argument).stream().anyMatch(this::truth);
            case "Condition" -> condition(text(argument));
            default -> throw new IllegalArgumentException(function + " is not a condition function");
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    static String text(Object node) {
        if (node instanceof String text) {
            return text;
        }
        if (node == null || node instanceof Map<?, ?> || node instanceof List<?>) {
            throw new IllegalArgumentException("expected a string, found " + node);
        }
        return String.valueOf(node);
    }

    static List<String> texts(Object node) {
        if (node instanceof List<?> list) {
            List<String> texts = new ArrayList<>();
            list.forEach(item -> texts.add(text(item)));
            return texts;
        }
        return List.of(text(node));
    }
}
