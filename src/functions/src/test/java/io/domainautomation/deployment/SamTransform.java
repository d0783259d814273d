package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The SAM translator (installed with cfn-lint) run on a template as `sam deploy` would, through
 * {@code deployment/sam_transform.py}: what CloudFormation is really given, which the YAML alone does not show (the
 * versions SAM names, the roles and policies it makes).
 */
final class SamTransform {

    static final String TOKEN_SECRET = "ScalingoApiTokenSecretArn=arn:aws:secretsmanager:eu-west-3:111122223333:secret:t";

    private SamTransform() {
    }

    /** Skips the calling test where the translator is missing; fails in CI, which must have it. */
    static void assumePresent() throws Exception {
        boolean present = run(List.of("python3", "-c", "import samtranslator, tomllib")).exit() == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("python3 with aws-sam-translator (installed with cfn-lint) is needed in CI");
        }
        Assumptions.assumeTrue(present, "python3 with aws-sam-translator is not installed (pip install cfn-lint)");
    }

    /** The helper's lines for one mode (versions, deletion-policies, dead-letter-senders); parameters as Name=Value. */
    static List<String> lines(String mode, Path template, String... parameters) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3",
                Path.of(SamTransform.class.getResource("/deployment/sam_transform.py").toURI()).toString(), mode,
                template.toString(), TOKEN_SECRET));
        command.addAll(List.of(parameters));
        Result result = run(command);
        assertEquals(0, result.exit(), result.output());
        return result.output().lines().toList();
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " ended");
        return new Result(process.exitValue(), output);
    }
}
