package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
