package io.domainautomation.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The project's own rules for template.yaml that cfn-lint does not know: EventBridge patterns use only operators
 * EventBridge has (a misspelt one silently matches nothing), set-canonical's HTTP API is IAM-authorised, and every
 * function names its versions from the ReleaseId parameter (else a parameter-only redeploy never reaches the alias).
 */
final class TemplateRules {

    /** Content-filter operators of EventBridge event patterns. */
    private static final Set<String> MATCHERS = Set.of("prefix", "suffix", "anything-but", "numeric", "exists",
            "equals-ignore-case", "wildcard", "cidr");

    private TemplateRules() {
    }

    static List<String> problems(JsonNode template) {
        List<String> problems = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(resource -> {
            JsonNode rulePattern = resource.getValue().path("Properties").path("EventPattern");
            if (resource.getValue().path("Type").asText().equals("AWS::Events::Rule") && !rulePattern.isMissingNode()) {
                checkPattern(resource.getKey(), rulePattern, problems);
            }
            resource.getValue().path("Properties").path("Events").fields().forEachRemaining(event -> {
                JsonNode pattern = event.getValue().path("Properties").path("Pattern");
                if (!pattern.isMissingNode()) {
                    checkPattern(resource.getKey() + "." + event.getKey(), pattern, problems);
                }
            });
        });
        template.path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")
                    && !resource.getValue().path("Properties").path("AutoPublishCodeSha256").asText().equals("ReleaseId")) {
                problems.add(resource.getKey() + " does not take AutoPublishCodeSha256 from the ReleaseId parameter");
            }
        });
        JsonNode auth = template.path("Resources").path("CanonicalHttpApi").path("Properties").path("Auth");
        if (!auth.path("DefaultAuthorizer").asText().equals("AWS_IAM") || !auth.path("EnableIamAuthorizer").asBoolean(false)) {
            problems.add("CanonicalHttpApi is not IAM-authorised (Auth.DefaultAuthorizer AWS_IAM, EnableIamAuthorizer true)");
        }
        return problems;
    }

    private static void checkPattern(String where, JsonNode node, List<String> problems) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (item.isObject()) {
                    item.fieldNames().forEachRemaining(name -> {
                        if (!MATCHERS.contains(name) && !name.startsWith("Fn::") && !name.equals("Ref")) {
                            problems.add(where + ": unknown pattern operator \"" + name + "\"");
                        }
                    });
                }
            }
            return;
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (field.getKey().startsWith("$") && !field.getKey().equals("$or")) {
                problems.add(where + ": unknown pattern operator \"" + field.getKey() + "\"");
            }
            if (field.getKey().equals("$or")) {
                field.getValue().forEach(alternative -> checkPattern(where, alternative, problems));
            } else if (field.getValue().isContainerNode()) {
                checkPattern(where, field.getValue(), problems);
            }
        }
    }
}
