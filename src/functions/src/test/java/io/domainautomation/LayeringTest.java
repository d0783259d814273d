package io.domainautomation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * The arrows of README's layer drawing, kept true: {@code logic} owns its ports and imports no adapter, adapters
 * never reach up into the functions, the Scalingo client knows nothing of AWS or DNS, and within {@code logic} the
 * ports depend on nothing but the events they carry and the certificate checks on nothing of the rotation or the
 * cleanup. Every reference to a project package counts, imported or written out in full, outside comments.
 */
class LayeringTest {

    private static final Path MAIN = ProjectFiles.at("src/functions/src/main/java/io/domainautomation");
    private static final Pattern REFERENCE = Pattern.compile("io\\.domainautomation\\.([a-z]+(?:\\.[a-z]+)*)");

    /** A package (and its subpackages) may not refer to these packages (nor their subpackages). */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "logic", List.of("scalingo", "aws", "dns", "functions"),
            "scalingo", List.of("aws", "dns", "functions"),
            "dns", List.of("aws", "scalingo", "functions"),
            "aws", List.of("dns", "functions"),
            "logic.port", List.of("logic.cleanup", "logic.rotation", "logic.tls"),
            "logic.tls", List.of("logic.rotation", "logic.cleanup"),
            "logic.events", List.of("logic.rotation", "logic.cleanup"),
            "logic.cleanup", List.of("logic.rotation"),
            "logic.rotation", List.of("logic.cleanup"));

    @Test
    void noLayerReachesWhereTheDrawingSaysItMayNot() {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            String code = withoutComments(read(file));
            Matcher reference = REFERENCE.matcher(code);
            while (reference.find()) {
                String target = reference.group(1);
                FORBIDDEN.forEach((from, targets) -> {
                    if (within(pkg, from) && targets.stream().anyMatch(t -> within(target, t))) {
                        violations.add(MAIN.relativize(file) + " (" + pkg + ") refers to io.domainautomation." + target);
                    }
                });
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    @Test
    void theRuleSeesAViolationWhenThereIsOne() {
        String code = withoutComments("""
                package io.domainautomation.logic.cleanup;
                // io.domainautomation.aws.Ignored in a comment does not count
                /* nor io.domainautomation.dns.DnsProbe in a block comment */
                class X { io.domainautomation.scalingo.ScalingoClient client; }
                """);
        Matcher reference = REFERENCE.matcher(code);
        List<String> found = new ArrayList<>();
        while (reference.find()) {
            found.add(reference.group(1));
        }
        assertEquals(List.of("logic.cleanup", "scalingo"), found);
        assertTrue(within("logic.cleanup", "logic") && !within("logical", "logic"));
    }

    @Test
    void everyPortHasAnInMemoryImplementationForTests() {
        Path fakes = ProjectFiles.at("src/functions/src/test/java/io/domainautomation/fakes");
        Map<String, String> implementations = Map.of("AppsService", "InMemoryScalingo", "DomainsService", "InMemoryScalingo",
                "CertificateStore", "InMemoryCertificateStore", "DnsResolver", "ScriptedDns", "EventSink",
                "RecordingEventSink", "CleanupLedger", "InMemoryCleanupLedger", "DeploymentLedger", "InMemoryDeploymentLedger",
                "Ticker", "ManualClock", "ContinuationSender", "RecordingContinuations");
        implementations.forEach((port, fake) -> {
            String text = read(fakes.resolve(fake + ".java"));
            assertTrue(Pattern.compile("(implements|extends)[^{]*\\b" + port + "\\b").matcher(text).find(),
                    fake + " implements " + port);
        });
    }

    private static boolean within(String pkg, String prefix) {
        return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(Path file) {
        Matcher pkg = Pattern.compile("(?m)^package io\\.domainautomation\\.([a-z.]+);").matcher(read(file));
        assertTrue(pkg.find(), file + " has a package");
        return pkg.group(1);
    }

    /** The code without its comments; string literals are kept (a reference inside one still counts). */
    static String withoutComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
