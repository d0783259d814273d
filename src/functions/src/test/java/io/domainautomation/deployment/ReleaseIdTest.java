package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * A redeploy must reach the live alias whatever changed. The SAM translator (the one cfn-lint uses) shows how versions
 * are named, and infra/deploy.py computes the ReleaseId that names them.
 */
class ReleaseIdTest {

    private static final String TOKEN_SECRET = "ScalingoApiTokenSecretArn=arn:aws:secretsmanager:eu-west-3:111122223333:secret:t";

    @TempDir
    Path work;
    private Path artifact;
    private Path template;
    private Path config;

    @BeforeAll
    static void translatorPresent() throws Exception {
        boolean present = run(List.of("python3", "-c", "import samtranslator, tomllib")).exit == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("python3 with aws-sam-translator (installed with cfn-lint) is needed in CI");
        }
        Assumptions.assumeTrue(present, "python3 with aws-sam-translator is not installed (pip install cfn-lint)");
    }

    @BeforeEach
    void files() throws IOException {
        artifact = Files.write(work.resolve("function.zip"), new byte[] { 'P', 'K', 1, 2 });
        template = Files.copy(ProjectFiles.at("template.yaml"), work.resolve("template.yaml"));
        config = Files.copy(ProjectFiles.at("infra/samconfig.toml"), work.resolve("samconfig.toml"));
    }

    @Test
    void aVersionReplacedByADeployIsDeletedNotKeptForever() throws Exception {
        List<String> command = new ArrayList<>(List.of("python3",
                Path.of(getClass().getResource("/deployment/published_versions.py").toURI()).toString(), "--deletion-policy",
                template.toString(), TOKEN_SECRET, "ReleaseId=" + "b".repeat(64)));
        Result result = run(command);
        assertEquals(0, result.exit, result.output);
        assertEquals(List.of("Delete", "Delete", "Delete", "Delete"), result.output.lines().toList(),
                "SAM's default keeps every version (Retain): a few hundred deploys fill Lambda's code storage");
    }

    @Test
    void withoutANewReleaseIdAParameterOnlyChangePublishesNoVersion() throws Exception {
        String release = "ReleaseId=" + "a".repeat(64);
        List<String> before = versions(release, "CleanupDryRun=true");
        assertEquals(4, before.size(), before.toString());
        assertEquals(before, versions(release, "CleanupDryRun=false"), "SAM's own hash ignores parameter values");
    }

    @Test
    void aParameterOnlyRedeployPublishesANewVersionOfEveryFunction() throws Exception {
        List<String> before = versions("ReleaseId=" + releaseId(), "CleanupDryRun=true");
        List<String> after = versions("ReleaseId=" + releaseId("CleanupDryRun=false"), "CleanupDryRun=false");
        assertEquals(4, after.size(), after.toString());
        assertTrue(Collections.disjoint(before, after), before + " and " + after + " share a version");
    }

    @Test
    void theReleaseIdFollowsTheArtifactTheTemplateAndEveryParameter() throws Exception {
        String base = releaseId();
        assertTrue(base.matches("[0-9a-f]{64}"), base);
        assertEquals(base, releaseId(), "the same inputs give the same id (no needless versions)");
        assertEquals(base, releaseId("CleanupDryRun=true"), "the config file already says true");
        assertNotEquals(base, releaseId("CleanupDryRun=false"));
        assertNotEquals(base, releaseId("ScalingoApiUrl=https://api.osc-secnum-fr1.scalingo.com"));

        Files.writeString(template, Files.readString(template).replace("Timeout: 300", "Timeout: 280"));
        String templateChanged = releaseId();
        assertNotEquals(base, templateChanged);

        Files.write(artifact, new byte[] { 'P', 'K', 1, 3 });
        assertNotEquals(templateChanged, releaseId());
    }

    @Test
    void anEmptyParameterValueIsAValue() throws Exception {
        // SAM CLI takes Name="" (DeployScriptTest reads the command line with its rules): an empty value clears a setting.
        assertNotEquals(releaseId("CleanupProtectedPatterns=admin-.*"), releaseId("CleanupProtectedPatterns="));
    }

    private String releaseId(String... parameters) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--print-release-id"));
        arguments.addAll(List.of(parameters));
        Result result = deployScript(arguments.toArray(String[]::new));
        assertEquals(0, result.exit, result.output);
        return result.output.strip();
    }

    private Result deployScript(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", ProjectFiles.at("infra/deploy.py").toString(),
                "--artifact", artifact.toString(), "--template-file", template.toString(), "--config-file", config.toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private List<String> versions(String... parameters) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3",
                Path.of(getClass().getResource("/deployment/published_versions.py").toURI()).toString(), template.toString(),
                TOKEN_SECRET));
        command.addAll(List.of(parameters));
        Result result = run(command);
        assertEquals(0, result.exit, result.output);
        return result.output.lines().toList();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " ended");
        return new Result(process.exitValue(), output);
    }
}
