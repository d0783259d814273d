package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    @TempDir
    Path work;
    private Path artifact;
    private Path template;
    private Path config;

    @BeforeAll
    static void translatorPresent() throws Exception {
        SamTransform.assumePresent();
    }

    @BeforeEach
    void files() throws IOException {
        artifact = Files.write(work.resolve("function.zip"), new byte[] { 'P', 'K', 1, 2 });
        template = Files.copy(ProjectFiles.at("template.yaml"), work.resolve("template.yaml"));
        config = Files.copy(ProjectFiles.at("infra/samconfig.toml"), work.resolve("samconfig.toml"));
    }

    @Test
    void aVersionReplacedByADeployIsDeletedNotKeptForever() throws Exception {
        assertEquals(List.of("Delete", "Delete", "Delete", "Delete", "Delete"),
                SamTransform.lines("deletion-policies", template, "ReleaseId=" + "b".repeat(64)),
                "SAM's default keeps every version (Retain): a few hundred deploys fill Lambda's code storage");
    }

    @Test
    void withoutANewReleaseIdAParameterOnlyChangePublishesNoVersion() throws Exception {
        String release = "ReleaseId=" + "a".repeat(64);
        List<String> before = versions(release, "CleanupDryRun=true");
        assertEquals(5, before.size(), before.toString());
        assertEquals(before, versions(release, "CleanupDryRun=false"), "SAM's own hash ignores parameter values");
    }

    @Test
    void aParameterOnlyRedeployPublishesANewVersionOfEveryFunction() throws Exception {
        List<String> before = versions("ReleaseId=" + releaseId(), "CleanupDryRun=true");
        List<String> after = versions("ReleaseId=" + releaseId("CleanupDryRun=false"), "CleanupDryRun=false");
        assertEquals(5, after.size(), after.toString());
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
        SamTransform.Result result = deployScript(arguments.toArray(String[]::new));
        assertEquals(0, result.exit(), result.output());
        return result.output().strip();
    }

    private SamTransform.Result deployScript(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", ProjectFiles.at("infra/deploy.py").toString(),
                "--artifact", artifact.toString(), "--template-file", template.toString(), "--config-file", config.toString()));
        command.addAll(List.of(arguments));
        return SamTransform.run(command);
    }

    private List<String> versions(String... parameters) throws Exception {
        return SamTransform.lines("versions", template, parameters);
    }
}
