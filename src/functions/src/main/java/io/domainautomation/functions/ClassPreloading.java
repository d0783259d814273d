package io.domainautomation.functions;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Loads and initialises every class of a few of the application's own packages, before a SnapStart snapshot: the
 * classes of the function's core that its first invocation would otherwise load after the restore, on the clock.
 * Packages are found through their directory (the task directory on Lambda; a jar's directory entries). Only the
 * packages a function names (not every class of the artifact, which BENCHMARKS.md step 2 measured as slower),
 * and only the application's own: their static initialisers do no I/O.
 */
final class ClassPreloading {

    private static final Logger LOG = Logger.getLogger(ClassPreloading.class);

    private ClassPreloading() {
    }

    /** @return how many classes were loaded */
    static int packages(ClassLoader loader, List<String> packages) {
        int loaded = 0;
        for (String pkg : packages) {
            for (String name : classNames(loader, pkg)) {
                try {
                    Class.forName(name, true, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    LOG.debugf("cold-start priming: %s not preloaded (%s)", name, e);
                }
            }
        }
        return loaded;
    }

    /** The top-level and nested classes directly in {@code pkg}, from a directory or a jar on the class path. */
    static List<String> classNames(ClassLoader loader, String pkg) {
        String path = pkg.replace('.', '/');
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> places = loader.getResources(path);
            for (URL place : Collections.list(places)) {
                if ("file".equals(place.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(place.toURI()))) {
                        files.map(file -> file.getFileName().toString()).filter(ClassPreloading::isClassFile)
                                .forEach(file -> names.add(pkg + '.' + file.substring(0, file.length() - ".class".length())));
                    }
                } else if ("jar".equals(place.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) place.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String entryName = entry.getName();
                            if (entryName.startsWith(path + '/') && entryName.indexOf('/', path.length() + 1) < 0
                                    && isClassFile(entryName.substring(path.length() + 1))) {
                                names.add(entryName.substring(0, entryName.length() - ".class".length()).replace('/', '.'));
                            }
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.debugf("cold-start priming: the classes of %s could not be listed (%s)", pkg, e);
        }
        Collections.sort(names);
        return names;
    }

    private static boolean isClassFile(String file) {
        return file.endsWith(".class") && !file.equals("package-info.class");
    }
}
