package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * The template checks are worth something only if they catch broken templates: each mutation below (an invalid
 * template a person could write) must be caught by cfn-lint or by the project's own rules ({@link TemplateRules}),
 * while template.yaml itself passes both.
 */
class TemplateMutationTest {

    private static String template;

    @BeforeAll
    static void read() throws IOException {
        template = Files.readString(ProjectFiles.at("template.yaml"));
        boolean lintable = cfnLintAvailable();
        if (!lintable && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("cfn-lint is not installed; CI needs it");
        }
        Assumptions.assumeTrue(lintable, "cfn-lint is not installed (pip install cfn-lint)");
    }

    @Test
    void theTemplateItselfPasses() throws Exception {
        assertEquals(List.of(), TemplateRules.problems(new ObjectMapper(new YAMLFactory()).readTree(template)));
        assertEquals("", lintErrors(template), "cfn-lint errors in template.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an unknown comparison operator|ComparisonOperator: GreaterThanThreshold|ComparisonOperator: GreaterThanLimit",
            "a retention beyond 14 days|MessageRetentionPeriod: 1209600|MessageRetentionPeriod: 99999999",
            "a misspelt redrive target|deadLetterTargetArn:|deadLetterTarget:",
            "an SQS event property SAM does not have|MaximumBatchingWindowInSeconds: 1|MaximumBatchingWindow: 1",
            "a maximum concurrency below 2|MaximumConcurrency: 2|MaximumConcurrency: 1",
            "no IAM authoriser|        EnableIamAuthorizer: true\\n|",
            "schedule retries beyond 185|MaximumRetryAttempts: 2|MaximumRetryAttempts: 500",
            "a misspelt pattern operator|$or:|$orr:",
            "versions named without the release id|AutoPublishCodeSha256: !Ref ReleaseId|Description: versions named by the code location",
            "a function policy naming its own ARN (a cycle)|"
                    + "Resource: !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-cleanup-stale:live"
                    + "|Resource: !GetAtt CleanupStaleFunction.Arn" })
    void everyMutationIsCaught(String mutation, String original, String replacement) throws Exception {
        String from = original.replace("\\n", "\n");
        assertTrue(template.contains(from), "the template still has what the mutation changes: " + from);
        String mutated = template.replace(from, replacement == null ? "" : replacement.replace("\\n", "\n"));
        List<String> rules = TemplateRules.problems(new ObjectMapper(new YAMLFactory()).readTree(mutated));
        String lint = lintErrors(mutated);
        assertTrue(!rules.isEmpty() || !lint.isEmpty(), mutation + " passed both cfn-lint and the project's rules");
    }

    private static boolean cfnLintAvailable() {
        try {
            Process version = new ProcessBuilder("cfn-lint", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            return version.waitFor(60, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** cfn-lint's error lines (E....) for a template; warnings and notes do not count. */
    private static String lintErrors(String content) throws Exception {
        Path file = Files.createTempFile(ProjectFiles.at("target"), "template-", ".yaml");
        try {
            Files.writeString(file, content);
            Process lint = new ProcessBuilder("cfn-lint", "--format", "parseable", file.toString()).redirectErrorStream(true).start();
            String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(lint.waitFor(120, TimeUnit.SECONDS), "cfn-lint ended");
            return String.join("\n", output.lines().filter(line -> line.matches(".*:E\\d{4}:.*")).toList());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
