package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * infra/deploy.py hands SAM CLI exactly the values it means: its command line read back with SAM CLI's own rules for
 * --parameter-overrides (written here from samcli/cli/types.py's patterns, apart from the script's), whatever the
 * value (spaces, quotes, empty), and the file --guided writes read as SAM CLI reads it.
 */
class DeployScriptTest {

    /** SAM CLI's " Name=Value" form: a name, then a double-quoted, single-quoted or bare value. */
    private static final Pattern SAM_PAIR = Pattern.compile(
            " ([A-Za-z0-9\"']+)=(\"(?:\\\\.|[^\"\\\\]+)*\"|'(?:\\\\.|[^'\\\\]+)*'|(?:\\\\.|[^ \"\\\\]+)+)");
    private static final String TOKEN = "arn:aws:secretsmanager:eu-west-3:111122223333:secret:scalingo/api-token-AbCdEf";

    @TempDir
    Path work;
    private Path artifact;
    private Path config;

    @BeforeAll
    static void pythonPresent() throws Exception {
        boolean present = run(List.of("python3", "-c", "import tomllib")).exit == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("python3 (3.11+) is needed in CI");
        }
        Assumptions.assumeTrue(present, "python3 3.11+ is not installed");
    }

    @BeforeEach
    void files() throws IOException {
        artifact = Files.write(work.resolve("function.zip"), new byte[] {'P', 'K', 1, 2});
        config = Files.copy(ProjectFiles.at("infra/samconfig.toml"), work.resolve("samconfig.toml"));
    }

    @Test
    void everyValueReachesSamCliIntactSpacesQuotesAndEmptyOnesIncluded() throws Exception {
        Map<String, String> meant = new LinkedHashMap<>();
        meant.put("ScalingoApiTokenSecretArn", TOKEN);
        meant.put("RotationSchedule", "cron(0 4 * * ? *)");
        meant.put("CleanupProtectedPatterns", "");
        meant.put("AlarmTopicArn", "");
        meant.put("CleanupAppsPrefix", "it's \"quoted\"");
        List<String> arguments = new ArrayList<>();
        meant.forEach((name, value) -> arguments.add(name + "=" + value));

        Map<String, String> received = samReads(command(arguments.toArray(String[]::new)));

        meant.forEach((name, value) -> assertEquals(value, received.get(name), name));
        assertEquals("https://api.osc-fr1.scalingo.com", received.get("ScalingoApiUrl"), "the file's values are passed too");
        assertTrue(received.get("ReleaseId").matches("[0-9a-f]{64}"), received.toString());
    }

    @Test
    void theFileGuidedWritesIsReadAsSamCliReadsIt() throws Exception {
        // As samconfig.toml holds it after --guided: one TOML string, each value in escaped double quotes.
        String guided = "parameter_overrides = \"ScalingoApiTokenSecretArn=\\\"" + TOKEN + "\\\" CleanupProtectedPatterns=\\\"\\\""
                + " RotationSchedule=\\\"cron(0 4 * * ? *)\\\" CleanupDryRun=\\\"false\\\"\"";
        Files.writeString(config, Files.readString(config).replaceAll("(?s)parameter_overrides = \\[.*?\\]", Matcher.quoteReplacement(guided)));
        assertTrue(Files.readString(config).contains("CleanupProtectedPatterns=\\\"\\\""), Files.readString(config));

        Map<String, String> received = samReads(command());

        assertEquals(TOKEN, received.get("ScalingoApiTokenSecretArn"));
        assertEquals("", received.get("CleanupProtectedPatterns"));
        assertEquals("cron(0 4 * * ? *)", received.get("RotationSchedule"));
        assertEquals("false", received.get("CleanupDryRun"));
    }

    @Test
    void anUnquotedScheduleIsWhatSamCliWouldCutShort() {
        // What the script used to send, read as SAM CLI reads it: the reason every value is now quoted.
        assertEquals(Map.of("RotationSchedule", "cron(0"), samRead("RotationSchedule=cron(0 4 * * ? *)"));
    }

    @Test
    void anEmptyValueIsAValueAndChangesTheReleaseId() throws Exception {
        String withPatterns = samReads(command("ScalingoApiTokenSecretArn=" + TOKEN, "CleanupProtectedPatterns=admin.*")).get("ReleaseId");
        String without = samReads(command("ScalingoApiTokenSecretArn=" + TOKEN, "CleanupProtectedPatterns=")).get("ReleaseId");
        assertNotEquals(withPatterns, without);
    }

    @Test
    void aMissingOrExampleTokenSecretStopsBeforeSamWithTheReason() throws Exception {
        Result missing = deployScript("--print-command");
        assertEquals(1, missing.exit, missing.output);
        assertTrue(missing.output.contains("ScalingoApiTokenSecretArn is not set"), missing.output);

        Result example = deployScript("--print-command", "ScalingoApiTokenSecretArn=arn:aws:secretsmanager:eu-west-3:123456789012:secret:x");
        assertEquals(1, example.exit, example.output);
        assertTrue(example.output.contains("documentation's example"), example.output);

        Result backslash = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "CleanupAppsPrefix=a\\b");
        assertEquals(1, backslash.exit, backslash.output);
        assertTrue(backslash.output.contains("backslash"), backslash.output);
    }

    @Test
    void aStackNameTooLongForTheScheduleNamesIsRefusedBeforeSam() throws Exception {
        Result tooLong = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "--", "--stack-name", "s".repeat(45));
        assertEquals(1, tooLong.exit, tooLong.output);
        assertTrue(tooLong.output.contains("at most 44"), tooLong.output);
        assertEquals(0, deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "--", "--stack-name", "s".repeat(44)).exit);
    }

    @Test
    void aValueGivenOnlyOnTheCommandLineIsSaidToStayOnTheStack() throws Exception {
        Result result = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "CleanupGracePeriod=30d");
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("CleanupGracePeriod is not in"), result.output);
        assertTrue(result.output.contains("the stack keeps the value"), result.output);
    }

    @Test
    void aValueInTheFileThatSamCliWouldCutShortIsRefusedWithTheFix() throws Exception {
        Files.writeString(config, Files.readString(config).replace("\"CleanupDryRun=true\",",
                "\"CleanupDryRun=true\",\n  \"RotationSchedule=cron(0 4 * * ? *)\","));
        Result result = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN);
        assertEquals(1, result.exit, result.output);
        assertTrue(result.output.contains("RotationSchedule='cron(0' and drop '4 * * ? *)'"), result.output);
        assertTrue(result.output.contains("double quotes"), result.output);

        Files.writeString(config, Files.readString(config).replace("RotationSchedule=cron(0 4 * * ? *)",
                "RotationSchedule=\\\"cron(0 4 * * ? *)\\\""));
        assertEquals("cron(0 4 * * ? *)", samReads(command("ScalingoApiTokenSecretArn=" + TOKEN)).get("RotationSchedule"),
                Files.readString(config));
    }

    @Test
    void theStackNameIsReadInBothOfSamCliSForms() throws Exception {
        Result tooLong = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "--", "--stack-name=" + "s".repeat(45));
        assertEquals(1, tooLong.exit, tooLong.output);
        assertTrue(tooLong.output.contains("at most 44"), tooLong.output);
    }

    /** Every template parameter (but ReleaseId) with a value, as --guided saves them after a deploy. */
    private static Map<String, String> savedByGuided() {
        Map<String, String> saved = new LinkedHashMap<>();
        for (String name : List.of("ScalingoApiUrl", "ScalingoAuthUrl", "ScalingoApiTokenSecretArn", "CertificateSecretPrefix",
                "CloudTrailSecretEvents", "RotationSchedule", "CleanupSchedule", "CleanupDryRun", "CleanupProtectedPatterns",
                "CleanupGracePeriod", "CleanupConfirmAfter", "CleanupAppsPrefix", "OwnershipProof", "OwnershipProofTimeout",
                "RateBudget", "RateBudgetAccount", "RateBudgetHeadroom", "RateBudgetTable", "RateBudgetPeopleShare",
                "CertificateExpiryAlarmDays", "EventBusName",
                "LogRetentionDays", "AlarmTopicArn")) {
            saved.put(name, "");
        }
        saved.put("ScalingoApiTokenSecretArn", TOKEN);
        saved.put("RotationSchedule", "cron(0 4 * * ? *)");
        saved.put("CleanupDryRun", "true");
        return saved;
    }

    /** As samconfig.toml holds them after --guided: one TOML string, each value in escaped double quotes. */
    private static String guidedLine(Map<String, String> values) {
        StringBuilder line = new StringBuilder();
        values.forEach((name, value) -> line.append(line.length() == 0 ? "" : " ").append(name).append("=\\\"").append(value).append("\\\""));
        return line.toString();
    }

    @Test
    void theTestsListOfParametersIsTheTemplates() throws Exception {
        Result names = run(List.of("python3", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import deploy;"
                + " print(' '.join(deploy.template_parameters(sys.argv[2])))", ProjectFiles.at("infra").toString(),
                ProjectFiles.at("template.yaml").toString()));
        assertEquals(0, names.exit, names.output);
        List<String> expected = new ArrayList<>(List.of("ReleaseId"));
        expected.addAll(savedByGuided().keySet());
        assertEquals(expected, List.of(names.output.strip().split(" ")));
    }

    @Test
    void guidedOnADeployedStackIsRefusedWhileAParameterIsMissingFromTheFile() throws Exception {
        // A deployment's file (its token saved) without CertificateSecretPrefix: the prompt would offer the template's
        // default, not the stack's value, and one Enter would move the rotation off its secrets.
        Map<String, String> saved = savedByGuided();
        saved.remove("CertificateSecretPrefix");
        writeGuidedOverrides(guidedLine(saved));
        Result refused = deployScript("--print-command", "--guided");
        assertEquals(1, refused.exit, refused.output);
        assertTrue(refused.output.contains("for CertificateSecretPrefix (not in"), refused.output);

        Result given = deployScript("--print-command", "--guided", "CertificateSecretPrefix=scalingo-certs/");
        assertEquals(0, given.exit, given.output);
        Files.copy(ProjectFiles.at("infra/samconfig.toml"), config, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, deployScript("--print-command", "--guided").exit, "a first deploy (no token saved) is not refused");
        Result stackName = deployScript("--print-command", "--guided", "--", "--stack-name", "other");
        assertEquals(1, stackName.exit, stackName.output);
        assertTrue(stackName.output.contains("answer it at SAM CLI's prompt"), stackName.output);
    }

    @Test
    void guidedAsksWithoutDeployingThenDeploysTheSavedAnswersUnderTheirReleaseId() throws Exception {
        // A stand-in for SAM CLI: with --guided it saves every parameter as SAM CLI does, one answer changed
        // (CleanupDryRun=false), and the stack name; it must not have been asked to execute anything.
        Map<String, String> answers = savedByGuided();
        answers.put("CleanupDryRun", "false");
        Path calls = work.resolve("calls.log");
        Path sam = fakeSam(calls,
                "if '--guided' in sys.argv:",
                "    assert '--no-execute-changeset' in sys.argv, 'the guided run executes nothing'",
                "    path = " + pythonString(config),
                "    text = open(path).read()",
                "    text = text.replace('stack_name = \"scalingo-domain-automation\"', 'stack_name = \"answered-stack\"')",
                "    import re",
                "    text = re.sub(r'(?s)parameter_overrides = \\[.*?\\]', lambda m: " + pythonString("parameter_overrides = \"" + guidedLine(answers) + "\"") + ", text)",
                "    open(path, 'w').write(text)");
        Result result = deployScript("--sam", sam.toString(), "--guided", "ScalingoApiTokenSecretArn=" + TOKEN);
        assertEquals(0, result.exit, result.output);
        List<String> lines = Files.readAllLines(calls);
        assertEquals(2, lines.size(), "asked, then deployed: " + lines + "\n" + result.output);
        List<String> asked = List.of(new ObjectMapper().readValue(lines.get(0), String[].class));
        List<String> deployed = List.of(new ObjectMapper().readValue(lines.get(1), String[].class));
        assertTrue(asked.contains("--guided"));
        assertTrue(!deployed.contains("--guided") && !deployed.contains("--no-execute-changeset"), deployed.toString());
        assertEquals("true", samReads(asked).get("CleanupDryRun"), "the prompt's default, from the file");
        Map<String, String> received = samReads(deployed);
        assertEquals("false", received.get("CleanupDryRun"), "the answer is deployed");
        assertEquals(TOKEN, received.get("ScalingoApiTokenSecretArn"));
        assertEquals("cron(0 4 * * ? *)", received.get("RotationSchedule"));
        assertNotEquals(samReads(asked).get("ReleaseId"), received.get("ReleaseId"));
        answers.remove("ReleaseId");
        Map<String, String> withoutId = new LinkedHashMap<>(received);
        withoutId.remove("ReleaseId");
        assertEquals(answers, withoutId, "exactly the saved answers");
        assertEquals(received.get("ReleaseId"), samReads(command()).get("ReleaseId"),
                "the id a later plain deploy of the same answers computes: nothing republished");
    }

    @Test
    void guidedAnswersNotSavedDeployNothingAndTheScriptSaysSo() throws Exception {
        Path calls = work.resolve("calls.log");
        Result result = deployScript("--sam", fakeSam(calls).toString(), "--guided", "ScalingoApiTokenSecretArn=" + TOKEN);
        assertEquals(1, result.exit, result.output);
        assertEquals(1, Files.readAllLines(calls).size(), result.output);
        assertTrue(result.output.contains("nothing deployed: the answers were not saved"), result.output);
    }

    @Test
    void guidedAnswersSavedUnderAnotherEnvironmentAreNotDeployedFromThisOne() throws Exception {
        Path calls = work.resolve("calls.log");
        Path sam = fakeSam(calls,
                "if '--guided' in sys.argv:",
                "    path = " + pythonString(config),
                "    text = open(path).read()",
                "    open(path, 'w').write(text + '\\n[prod.deploy.parameters]\\nstack_name = \"prod\"\\n')");
        Result result = deployScript("--sam", sam.toString(), "--guided", "ScalingoApiTokenSecretArn=" + TOKEN);
        assertEquals(1, result.exit, result.output);
        assertEquals(1, Files.readAllLines(calls).size(), "nothing deployed after the questions: " + result.output);
        assertTrue(result.output.contains("saved under [prod], not [default]"), result.output);
    }

    @Test
    void parameterOverridesAmongTheSamOptionsAreRefused() throws Exception {
        Result result = deployScript("--print-command", "ScalingoApiTokenSecretArn=" + TOKEN, "--", "--parameter-overrides", "A=b");
        assertEquals(1, result.exit, result.output);
        assertTrue(result.output.contains("give them as Name=Value before --"), result.output);
    }

    /** A stand-in for SAM CLI: logs each call's arguments (one JSON line to {@code calls}), then runs {@code more}. */
    private Path fakeSam(Path calls, String... more) throws IOException {
        Path sam = work.resolve("sam");
        List<String> lines = new ArrayList<>(List.of("#!/usr/bin/env python3", "import json, sys",
                "open(" + pythonString(calls) + ", 'a').write(json.dumps(sys.argv[1:]) + '\\n')"));
        lines.addAll(List.of(more));
        Files.writeString(sam, String.join("\n", lines) + "\n");
        assertTrue(sam.toFile().setExecutable(true));
        return sam;
    }

    /** parameter_overrides as --guided saves it: one TOML string (the argument holds the TOML-escaped text). */
    private void writeGuidedOverrides(String escapedOverrides) throws IOException {
        String line = "parameter_overrides = \"" + escapedOverrides + "\"";
        Files.writeString(config, Files.readString(config).replaceAll("(?s)parameter_overrides = \\[.*?\\]", Matcher.quoteReplacement(line)));
    }

    private static String pythonString(Path path) {
        return pythonString(path.toString());
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private List<String> command(String... parameters) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--print-command"));
        arguments.addAll(List.of(parameters));
        Result result = deployScript(arguments.toArray(String[]::new));
        assertEquals(0, result.exit, result.output);
        String last = result.output.strip().lines().reduce((a, b) -> b).orElseThrow();
        return List.of(new ObjectMapper().readValue(last, String[].class));
    }

    /** The parameters SAM CLI takes from the command: each argument after --parameter-overrides, up to the next option. */
    private static Map<String, String> samReads(List<String> command) {
        int at = command.indexOf("--parameter-overrides");
        assertTrue(at > 0, command.toString());
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String argument : command.subList(at + 1, command.size())) {
            if (argument.startsWith("--")) {
                break;
            }
            parameters.putAll(samRead(argument));
        }
        return parameters;
    }

    private static Map<String, String> samRead(String argument) {
        Matcher pair = SAM_PAIR.matcher(" " + argument.strip());
        Map<String, String> read = new LinkedHashMap<>();
        while (pair.find()) {
            read.put(unquote(pair.group(1)), unquote(pair.group(2)));
        }
        assertTrue(!read.isEmpty(), "SAM CLI refuses " + argument);
        return read;
    }

    private static String unquote(String text) {
        String inner = text.length() >= 2 && (text.startsWith("\"") && text.endsWith("\"") || text.startsWith("'") && text.endsWith("'"))
                ? text.substring(1, text.length() - 1) : text;
        return inner.replace("\\ ", " ").replace("\\\"", "\"").replace("\\'", "'");
    }

    private Result deployScript(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", ProjectFiles.at("infra/deploy.py").toString(), "--artifact",
                artifact.toString(), "--template-file", ProjectFiles.at("template.yaml").toString(), "--config-file", config.toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " ended");
        return new Result(process.exitValue(), output);
    }
}
