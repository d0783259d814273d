package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step that makes function.zip the same bytes for the same contents, whatever order and times it got. */
class ReproducibleZipTest {

    private static final Instant FIXED = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theSameContentsWrittenInAnotherOrderAtAnotherTimeGiveTheSameBytes() throws IOException {
        Path first = zip("first.zip", List.of("lib/b.jar", "lib/a.jar", "io/App.class"), Instant.parse("2026-12-06T10:00:00Z"));
        Path second = zip("second.zip", List.of("io/App.class", "lib/a.jar", "lib/b.jar"), Instant.parse("2026-12-07T23:59:58Z"));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(second)), "different before");

        ReproducibleZip.rewrite(first, FIXED);
        ReproducibleZip.rewrite(second, FIXED);

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        try (ZipFile zip = new ZipFile(first.toFile())) {
            List<String> names = new ArrayList<>();
            Collections.list(zip.entries()).forEach(entry -> {
                names.add(entry.getName());
                assertEquals(FIXED.toEpochMilli() - TimeZone.getDefault().getOffset(FIXED.toEpochMilli()), entry.getTime(), entry.getName());
            });
            assertEquals(List.of("io/App.class", "lib/a.jar", "lib/b.jar"), names, "sorted, directories left out");
            assertEquals("contents of lib/a.jar", new String(zip.getInputStream(zip.getEntry("lib/a.jar")).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anotherTimeZoneWritesTheSameBytes() throws IOException {
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            Path utc = zip("utc.zip", List.of("a"), Instant.now());
            ReproducibleZip.rewrite(utc, FIXED);
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            Path kolkata = zip("kolkata.zip", List.of("a"), Instant.now());
            ReproducibleZip.rewrite(kolkata, FIXED);
            assertArrayEquals(Files.readAllBytes(utc), Files.readAllBytes(kolkata));
        } finally {
            TimeZone.setDefault(before);
        }
    }

    private Path zip(String name, List<String> entries, Instant time) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("lib/"));
            out.closeEntry();
            for (String entry : entries) {
                ZipEntry zipEntry = new ZipEntry(entry);
                zipEntry.setLastModifiedTime(FileTime.from(time));
                out.putNextEntry(zipEntry);
                out.write(("contents of " + entry).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }
}
