package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collections;
import java.util.TreeMap;
import java.util.zip.ZipEntry;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Build step, not part of the sandbox's service: rewrites Quarkus' {@code target/function.zip} so that file times and
 * order do not change its bytes (what remains differing between two builds of the same sources are 28 classes Quarkus
 * 3.33 generates differently each time, so a rebuild still changes the ReleaseId). Quarkus' Lambda packaging
 * stamps each {@code lib/} entry with its copy's file time and lists them in the file system's order; here every
 * entry gets one fixed time (the build's {@code project.build.outputTimestamp}), entries are sorted by name,
 * directory entries dropped (Lambda does not need them), unix modes kept, and compression is the same level.
 *
 * <pre>java io.domainautomation.sandbox.ReproducibleZip target/function.zip 2026-01-01T00:00:00Z</pre>
 */
public final class ReproducibleZip {

    private ReproducibleZip() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ReproducibleZip <zip> <timestamp (ISO-8601 instant)>");
        }
        rewrite(Path.of(args[0]), Instant.parse(args[1]));
    }

    public static void rewrite(Path zip, Instant time) throws IOException {
        TreeMap<String, Entry> entries = new TreeMap<>();
        try (ZipFile source = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(source.getEntries())) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (entries.containsKey(entry.getName())) {
                    throw new IOException(zip + " has two entries named " + entry.getName());
                }
                try (InputStream in = source.getInputStream(entry)) {
                    entries.put(entry.getName(), new Entry(in.readAllBytes(), entry.getUnixMode()));
                }
            }
        }
        Path rewritten = zip.resolveSibling(zip.getFileName() + ".reproducible");
        // DOS times are local wall-clock times: shifted so that every time zone writes the same bytes.
        long dosTime = time.toEpochMilli() - java.util.TimeZone.getDefault().getOffset(time.toEpochMilli());
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(rewritten.toFile())) {
            out.setLevel(java.util.zip.Deflater.DEFAULT_COMPRESSION);
            for (var named : entries.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(named.getKey());
                entry.setMethod(ZipEntry.DEFLATED);
                entry.setTime(dosTime);
                entry.setUnixMode(named.getValue().unixMode() == 0 ? 0100644 : named.getValue().unixMode());
                out.putArchiveEntry(entry);
                out.write(named.getValue().bytes());
                out.closeArchiveEntry();
            }
        }
        Files.move(rewritten, zip, StandardCopyOption.REPLACE_EXISTING);
    }

    private record Entry(byte[] bytes, int unixMode) {
    }

}
