package io.domainautomation.testsupport;

import java.nio.file.Path;

/** Files at the top of the repository (template.yaml, the reports), whatever directory a test runs in. */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The repository's top directory: {@code project.root}, set by the build, else two levels up from the module. */
    public static Path root() {
        return Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
    }

    public static Path at(String relative) {
        return root().resolve(relative);
    }
}
