package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * Every {@code AWS::*} resource of template.yaml against the current CloudFormation resource schemas, from the npm
 * package {@code @aws-cdk/aws-service-spec} (its {@code AWS::Serverless::*} part is stale, so SAM resources are
 * checked by {@link TemplateTest} instead): the type exists, every property name exists, required properties are
 * set, and nested objects use their type's property names. .ci/run installs the package; locally the test installs
 * it with npm if it can, and is skipped, saying so, if it cannot.
 */
class CloudFormationSchemaTest {

    static final String SPEC_PACKAGE = "@aws-cdk/aws-service-spec@0.1.216";
    static final Path SPEC_DIR = ProjectFiles.at("target/cfn-spec");
    static final Path DB = SPEC_DIR.resolve("node_modules/@aws-cdk/aws-service-spec/db.json.gz");

    private static final Map<String, JsonNode> resources = new HashMap<>();
    private static final Map<String, JsonNode> types = new HashMap<>();
    private static JsonNode template;

    @BeforeAll
    static void load() throws Exception {
        if (!Files.exists(DB)) {
            install();
        }
        if (!Files.exists(DB) && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CloudFormation schemas not available in CI: npm install " + SPEC_PACKAGE
                    + " failed (see " + SPEC_DIR.resolve("npm.log") + "); a schema check that checks nothing must not pass");
        }
        Assumptions.assumeTrue(Files.exists(DB), "CloudFormation schemas not available: npm install " + SPEC_PACKAGE + " failed");
        JsonNode db;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(DB))) {
            db = new ObjectMapper().readTree(in);
        }
        db.path("schema").path("resource").path("entities").forEach(r -> resources.put(r.path("cloudFormationType").asText(), r));
        db.path("schema").path("typeDefinition").path("entities").forEach(t -> types.put(t.path("$id").asText(), t));
        template = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.at("template.yaml").toFile());
    }

    private static void install() {
        try {
            Files.createDirectories(SPEC_DIR);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", SPEC_DIR.toString(), SPEC_PACKAGE)
                    .redirectErrorStream(true).redirectOutput(SPEC_DIR.resolve("npm.log").toFile()).start();
            npm.waitFor();
        } catch (IOException | InterruptedException e) {
            // reported by the assumption above
        }
    }

    @Test
    void everyAwsResourceMatchesItsSchema() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) () -> template.get("Resources").fields()) {
            String type = entry.getValue().path("Type").asText();
            if (!type.startsWith("AWS::") || type.startsWith("AWS::Serverless::")) {
                continue;
            }
            checked++;
            JsonNode schema = resources.get(type);
            if (schema == null) {
                problems.add(entry.getKey() + ": no resource type " + type);
                continue;
            }
            check(entry.getKey(), schema.path("properties"), entry.getValue().path("Properties"), problems);
        }
        assertTrue(checked >= 10, "the template's AWS resources were checked: " + checked);
        assertEquals(List.of(), problems);
    }

    @Test
    void theCheckCatchesAWrongProperty() throws Exception {
        List<String> problems = new ArrayList<>();
        JsonNode wrong = new ObjectMapper(new YAMLFactory()).readTree("VisibilityTimeOut: 30\nRedrivePolicy: {}\n");
        check("Queue", resources.get("AWS::SQS::Queue").path("properties"), wrong, problems);
        assertEquals(List.of("Queue: unknown property VisibilityTimeOut"), problems);
    }

    private static void check(String where, JsonNode schemaProperties, JsonNode properties, List<String> problems) {
        if (!properties.isObject() || isIntrinsic(properties)) {
            return;
        }
        properties.fieldNames().forEachRemaining(name -> {
            if (!schemaProperties.has(name)) {
                problems.add(where + ": unknown property " + name);
            }
        });
        schemaProperties.fields().forEachRemaining(property -> {
            if (property.getValue().path("required").asBoolean(false) && !properties.has(property.getKey())) {
                problems.add(where + ": required property " + property.getKey() + " missing");
            }
            JsonNode value = properties.get(property.getKey());
            if (value != null) {
                checkValue(where + "." + property.getKey(), property.getValue().path("type"), value, problems);
            }
        });
    }

    private static void checkValue(String where, JsonNode type, JsonNode value, List<String> problems) {
        String kind = type.path("type").asText();
        if (kind.equals("ref")) {
            JsonNode definition = types.get(type.path("reference").path("$ref").asText());
            if (definition != null && value.isObject()) {
                check(where, definition.path("properties"), value, problems);
            }
        } else if (kind.equals("array") && value.isArray()) {
            value.forEach(element -> checkValue(where + "[]", type.path("element"), element, problems));
        }
    }

    private static boolean isIntrinsic(JsonNode node) {
        var names = node.fieldNames();
        return names.hasNext() && node.size() == 1 && (names.next().startsWith("Fn::") || node.has("Ref"));
    }
}
