package io.domainautomation.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each function's permissions as template.yaml writes them, resolved for one stack: its own statements and the
 * managed policies of the template it references, with every intrinsic function (Ref, Sub, GetAtt, If, Join, Select,
 * Split and the condition functions) evaluated for the stack's parameters. Functions are known by their Funqy export
 * ({@code QUARKUS_FUNQY_EXPORT}), which is how a running function names itself. What it cannot evaluate exactly (a SAM
 * policy template, an AWS managed policy other than Lambda's basic execution role, a condition operator other than the
 * string ones, a role of its own) it refuses to read, rather than allow or deny by guess.
 */
public final class TemplateIam {

    /** What SAM attaches to every function role it creates: CloudWatch Logs only. */
    private static final String BASIC_EXECUTION_ROLE = "AWSLambdaBasicExecutionRole";

    private final CfnStack cfn;
    private final StackBinding stack;
    private final Map<String, IamPolicy> byExport = new LinkedHashMap<>();
    private final Map<String, String> functionNames = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> variables = new LinkedHashMap<>();

    private TemplateIam(CfnStack cfn) {
        this.cfn = cfn;
        this.stack = cfn.binding();
        resources().forEach((logicalId, resource) -> {
            if ("AWS::Serverless::Function".equals(map(resource).get("Type"))) {
                Map<String, Object> properties = map(map(resource).get("Properties"));
                Object export = map(map(properties.get("Environment")).get("Variables")).get("QUARKUS_FUNQY_EXPORT");
                if (export != null) {
                    byExport.put(text(resolve(export)), policyOf(logicalId, properties));
                    functionNames.put(text(resolve(export)), text(resolve(properties.getOrDefault("FunctionName", logicalId))));
                    // as SAM merges them: the Globals' variables, then the function's own over them
                    Map<String, Object> merged = new LinkedHashMap<>(map(map(cfn.functionGlobals().get("Environment")).get("Variables")));
                    merged.putAll(map(map(properties.get("Environment")).get("Variables")));
                    variables.put(text(resolve(export)), merged);
                }
            }
        });
    }

    public static TemplateIam read(Path templateFile, StackBinding stack) throws IOException {
        return new TemplateIam(CfnStack.read(templateFile, stack));
    }

    /** The functions' exports, in the template's order. */
    public List<String> exports() {
        return List.copyOf(byExport.keySet());
    }

    /** The function's name in the stack (its FunctionName, resolved), as {@code AWS_LAMBDA_FUNCTION_NAME} gives it. */
    public String functionName(String export) {
        String name = functionNames.get(export);
        if (name == null) {
            throw new IllegalArgumentException("no function of the template exports " + export);
        }
        return name;
    }

    /** One of the function's environment variables as the template sets it (its own, or the Globals'), resolved for the stack. */
    public Optional<String> environmentVariable(String export, String name) {
        functionName(export);
        Object value = variables.get(export).get(name);
        return value == null ? Optional.empty() : Optional.of(text(resolve(value)));
    }

    Optional<IamPolicy> policyOf(String export) {
        return Optional.ofNullable(byExport.get(export));
    }

    /** Every action some statement of this function allows, as written (for tests comparing them with the code's calls). */
    public List<String> allowedActions(String export) {
        List<String> actions = new ArrayList<>();
        policyOf(export).ifPresent(policy -> policy.statements().stream().filter(IamPolicy.Statement::allow)
                .filter(statement -> !statement.notAction()).forEach(statement -> actions.addAll(statement.actions())));
        return actions;
    }

    /**
     * What this function's statements allow that none of its allowed calls used: each action of each statement on each
     * of that statement's resources, which no decision here matched (Lambda's own logs permissions left out). An empty
     * list means every grant was used: the function holds no permission its code does not need.
     */
    public List<String> unusedGrants(String export, List<IamDecision> decisions) {
        List<String> unused = new ArrayList<>();
        for (IamPolicy.Statement statement : policyOf(export).orElseThrow().statements()) {
            if (!statement.allow() || statement.notAction() || statement.notResource()) {
                continue;
            }
            for (String action : statement.actions()) {
                if (action.startsWith("logs:")) {
                    continue;
                }
                for (String resource : statement.resources()) {
                    boolean used = decisions.stream().anyMatch(decision -> decision.allowed() && decision.export().equals(export)
                            && IamPolicy.wildcard(action, decision.action(), true) && IamPolicy.wildcard(resource, decision.resource(), false));
                    if (!used) {
                        unused.add(action + " on " + resource);
                    }
                }
            }
        }
        return unused;
    }

    /**
     * Whether this function may make this call, as IAM would decide it for the stack, its condition keys not known: a
     * statement with a condition allows nothing here (give the keys with the overload below).
     */
    public boolean allows(String export, String action, String resourceArn) {
        return policyOf(export).map(policy -> policy.decide(action, resourceArn, IamPolicy.Context.UNREAD)
                == IamPolicy.Decision.ALLOWED).orElse(false);
    }

    /**
     * The same for a call carrying these condition keys (e.g. {@code dynamodb:LeadingKeys}, the partition keys of a
     * DynamoDB call's items), which a statement's Condition is evaluated on.
     */
    public boolean allows(String export, String action, String resourceArn, Map<String, List<String>> conditionKeys) {
        return policyOf(export).map(policy -> policy.decide(action, resourceArn, new IamPolicy.Context(conditionKeys))
                == IamPolicy.Decision.ALLOWED).orElse(false);
    }

    /** One of the template's managed policies (an {@code AWS::IAM::ManagedPolicy}), resolved for the stack, on its own. */
    IamPolicy managedPolicy(String logicalId) {
        Map<String, Object> managed = map(resources().get(logicalId));
        if (!"AWS::IAM::ManagedPolicy".equals(managed.get("Type"))) {
            throw new IllegalArgumentException(logicalId + " is not a managed policy of the template");
        }
        return new IamPolicy(logicalId, statements(logicalId, map(map(managed.get("Properties")).get("PolicyDocument")).get("Statement")));
    }

    private IamPolicy policyOf(String logicalId, Map<String, Object> properties) {
        if (properties.containsKey("Role")) {
            throw new IllegalArgumentException(logicalId + " names a role of its own; only SAM-made roles (Policies) are read");
        }
        List<IamPolicy.Statement> statements = new ArrayList<>();
        statements.add(new IamPolicy.Statement(true, List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
                false, List.of("*"), false));
        Object policies = properties.get("Policies");
        List<Object> items = policies == null ? List.of() : policies instanceof List<?> list ? new ArrayList<>(list) : List.of(policies);
        for (Object listed : items) {
            // a policy may be chosen by a condition (!If [Condition, !Ref SomePolicy, !Ref AWS::NoValue]): the branch
            // taken, as written (a !Ref to the stack's managed policy is read below)
            Object item = listed;
            if (listed instanceof Map<?, ?> chosen && chosen.containsKey("Fn::If")) {
                List<?> branches = (List<?>) chosen.get("Fn::If");
                item = cfn.condition(text(branches.get(0))) ? branches.get(1) : branches.get(2);
            }
            if (item instanceof Map<?, ?> ref && "AWS::NoValue".equals(ref.get("Ref"))) {
                continue;
            }
            if (item instanceof String name) {
                if (!name.equals(BASIC_EXECUTION_ROLE) && !name.endsWith("/" + BASIC_EXECUTION_ROLE)) {
                    throw new IllegalArgumentException(logicalId + ": the AWS managed policy " + name + " cannot be evaluated here");
                }
            } else if (map(item).containsKey("Ref") && map(resources().get(text(map(item).get("Ref")))).get("Type") != null) {
                Map<String, Object> managed = map(resources().get(text(map(item).get("Ref"))));
                if (!"AWS::IAM::ManagedPolicy".equals(managed.get("Type"))) {
                    throw new IllegalArgumentException(logicalId + ": policy " + map(item).get("Ref") + " is not a managed policy");
                }
                statements.addAll(statements(logicalId, map(map(managed.get("Properties")).get("PolicyDocument")).get("Statement")));
            } else if (map(item).containsKey("Statement")) {
                statements.addAll(statements(logicalId, map(item).get("Statement")));
            } else {
                throw new IllegalArgumentException(logicalId + ": the policy " + map(item).keySet()
                        + " (a SAM policy template?) cannot be evaluated here");
            }
        }
        String functionName = text(resolve(properties.getOrDefault("FunctionName", logicalId)));
        String principal = "arn:" + stack.partition() + ":sts::" + stack.accountId() + ":assumed-role/" + stack.stackName() + "-"
                + logicalId + "Role/" + functionName;
        return new IamPolicy(principal, statements);
    }

    private List<IamPolicy.Statement> statements(String where, Object document) {
        List<IamPolicy.Statement> statements = new ArrayList<>();
        for (Object unresolved : document instanceof List<?> list ? list : List.of(document)) {
            // a statement may itself be chosen by a condition (!If [Condition, statement, !Ref AWS::NoValue])
            Object raw = map(unresolved).containsKey("Fn::If") ? resolve(unresolved) : unresolved;
            if (raw == CfnStack.NO_VALUE) {
                continue;
            }
            Map<String, Object> statement = map(raw);
            List<IamPolicy.Condition> conditions = new ArrayList<>();
            if (statement.containsKey("Condition")) {
                // the string operators on the condition keys the sandbox reads (IamPolicy.Condition refuses the rest)
                try {
                    map(resolve(statement.get("Condition"))).forEach((operator, keys) -> map(keys).forEach((key, values) ->
                            conditions.add(new IamPolicy.Condition(operator, key, texts(resolve(values))))));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
            }
            boolean notAction = statement.containsKey("NotAction");
            boolean notResource = statement.containsKey("NotResource");
            statements.add(new IamPolicy.Statement("Allow".equals(text(resolve(statement.get("Effect")))),
                    texts(resolve(statement.get(notAction ? "NotAction" : "Action"))), notAction,
                    texts(resolve(statement.get(notResource ? "NotResource" : "Resource"))), notResource, conditions));
        }
        return statements;
    }

    private Object resolve(Object node) {
        return cfn.resolve(node);
    }

    private Map<String, Object> resources() {
        return cfn.resources();
    }

    private static Map<String, Object> map(Object node) {
        return CfnStack.map(node);
    }

    private static String text(Object node) {
        return CfnStack.text(node);
    }

    private static List<String> texts(Object node) {
        return CfnStack.texts(node);
    }
}
