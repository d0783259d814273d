package io.domainautomation.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * What ships and what does not: target/function.zip holds the functions and none of the sandbox, its seed, the local
 * gateway or a test helper, and its SnapStart preload list names none of them; target/scalingo-sandbox.jar runs on
 * its own with a seed file.
 */
class ArtifactContentsIT {

    private static final List<String> NEVER_SHIPPED = List.of("io/domainautomation/sandbox/", "sandbox/",
            "io/domainautomation/testsupport/", "META-INF/beans.xml");
    private static final String PRELOAD_LIST = "META-INF/quarkus-generated-preload-classes.txt";

    @Test
    void theDeployedZipHoldsTheFunctionsAndNoTestCode() throws IOException {
        Path zip = Path.of(System.getProperty("packaged.function.zip", "target/function.zip"));
        List<String> entries = entries(zip);
        assertTrue(entries.contains("io/domainautomation/functions/LinkOnSignup.class"), "the functions are in the zip");
        assertTrue(entries.contains(PRELOAD_LIST), "the zip has its SnapStart preload list");
        for (String entry : entries) {
            for (String forbidden : NEVER_SHIPPED) {
                assertFalse(entry.startsWith(forbidden), "test code in the deployed zip: " + entry);
            }
            assertFalse(entry.startsWith("lib/") && entry.contains("scalingo-sandbox"), "the sandbox jar in the zip: " + entry);
            assertFalse(entry.endsWith("Test.class") || entry.endsWith("IT.class"), "a test class in the zip: " + entry);
        }
        String preload;
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            preload = new String(archive.getInputStream(archive.getEntry(PRELOAD_LIST)).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(preload.contains("io.domainautomation.functions.LinkOnSignup"), "the preload list names the functions");
        assertFalse(preload.contains("io.domainautomation.sandbox."), "the preload list names a sandbox class");
    }

    /**
     * The build's last packaging step made it reproducible (ReproducibleZip): every entry at the build's fixed time,
     * in name order, so that a rebuild of the same sources gives the same bytes and the same ReleaseId.
     */
    @Test
    void theDeployedZipCarriesNoBuildTimeAndAFixedOrder() throws IOException {
        Path zip = Path.of(System.getProperty("packaged.function.zip", "target/function.zip"));
        java.time.Instant fixed = java.time.Instant.parse("2026-01-01T00:00:00Z"); // project.build.outputTimestamp
        long dosTime = fixed.toEpochMilli() - java.util.TimeZone.getDefault().getOffset(fixed.toEpochMilli());
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<String> names = new java.util.ArrayList<>();
            archive.stream().forEach(entry -> {
                names.add(entry.getName());
                assertEquals(dosTime, entry.getTime(), entry.getName() + " carries the build's time");
            });
            List<String> sorted = new java.util.ArrayList<>(names);
            java.util.Collections.sort(sorted);
            assertEquals(sorted, names, "entries in name order");
            assertTrue(names.size() > 100, "the whole artifact: " + names.size());
        }
    }

    @Test
    void theDeployedZipIsTheOneAtTheTopOfTheRepository() throws IOException {
        Path built = Path.of(System.getProperty("packaged.function.zip", "target/function.zip"));
        Path top = ProjectFiles.at("target/function.zip");
        assertTrue(Files.exists(top), "template.yaml deploys " + top);
        assertEquals(-1L, Files.mismatch(built, top), "target/function.zip is the artifact just built");
    }

    @Test
    void theStandaloneSandboxRunsWithASeedFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = ProjectFiles.at("target/scalingo-sandbox.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals("io.domainautomation.sandbox.SandboxMain", file.getManifest().getMainAttributes().getValue("Main-Class"));
        }
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, """
                {"apiTokens": ["tk-us-standalone-seed"],
                 "apps": [{"name": "seeded-app", "domains": [{"name": "www.seeded.example", "canonical": true}]}]}""");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("sandbox.log");
        Process sandbox = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--port", String.valueOf(port), "--seed", seed.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port;
            HttpResponse<String> exchange = null;
            for (int attempt = 0; attempt < 100 && exchange == null; attempt++) {
                try {
                    exchange = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tokens/exchange"))
                            .header("Authorization", "Basic " + Base64.getEncoder()
                                    .encodeToString(":tk-us-standalone-seed".getBytes(StandardCharsets.UTF_8)))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertTrue(exchange != null, "the sandbox answered; its output: " + Files.readString(log));
            assertEquals(200, exchange.statusCode(), "the seed's API token is accepted");
            ObjectMapper json = new ObjectMapper();
            String bearer = json.readTree(exchange.body()).get("token").asText();
            HttpResponse<String> domains = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/apps/seeded-app/domains"))
                    .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, domains.statusCode());
            JsonNode listed = json.readTree(domains.body()).get("domains");
            assertEquals(1, listed.size());
            assertEquals("www.seeded.example", listed.get(0).get("name").asText());
            assertTrue(listed.get(0).get("canonical").asBoolean());
        } finally {
            sandbox.destroy();
        }
    }

    private static List<String> entries(Path zip) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            return Collections.list(archive.entries()).stream().map(ZipEntry::getName).toList();
        }
    }
}
