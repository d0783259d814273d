package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.domainautomation.aws.AwsLoopbackPriming.Service;
import io.domainautomation.functions.ColdStartPriming.FunctionPriming;

/** The priming table: each function's row names exactly the AWS services its code calls (TemplateTest checks IAM). */
class FunctionPrimingTest {

    @Test
    void eachFunctionPrimesTheAwsServicesItCalls() {
        Set<Service> ledger = EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE, Service.DYNAMODB);
        assertEquals(EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE, Service.SQS, Service.DYNAMODB),
                FunctionPriming.of("link-on-signup").awsServices());
        assertEquals(ledger, FunctionPriming.of("set-canonical").awsServices());
        assertEquals(ledger, FunctionPriming.of("rotate-cert-from-secrets-manager").awsServices());
        assertEquals(ledger, FunctionPriming.of("cleanup-stale").awsServices());
    }

    @Test
    void anUnknownExportPrimesOnlyWhatEveryFunctionShares() {
        assertEquals(FunctionPriming.OTHER, FunctionPriming.of("no-such-function"));
        assertEquals(FunctionPriming.OTHER, FunctionPriming.of(""));
        assertEquals(EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE), FunctionPriming.OTHER.awsServices());
        assertEquals(false, FunctionPriming.OTHER.keepsALedger());
        assertEquals(true, FunctionPriming.of("cleanup-stale").keepsALedger());
    }

    @Test
    void eachFunctionPreloadsItsOwnCoreAndThePorts() {
        assertEquals(List.of("io.domainautomation.logic.port", "io.domainautomation.logic.cleanup"),
                FunctionPriming.of("cleanup-stale").corePackages());
        assertEquals(List.of("io.domainautomation.logic.port", "io.domainautomation.logic.rotation", "io.domainautomation.logic.tls"),
                FunctionPriming.of("rotate-cert-from-secrets-manager").corePackages());
        assertEquals(List.of("io.domainautomation.logic.port"), FunctionPriming.of("link-on-signup").corePackages());
    }

    @Test
    void preloadingFindsAPackagesClassesInADirectoryButNotInItsSubpackages() {
        List<String> names = ClassPreloading.classNames(getClass().getClassLoader(), "io.domainautomation.logic.cleanup");
        assertEquals(true, names.contains("io.domainautomation.logic.cleanup.CleanupScan"), names.toString());
        assertEquals(true, names.contains("io.domainautomation.logic.cleanup.CleanupInvocation$Busy"), names.toString());
        assertEquals(false, names.stream().anyMatch(name -> name.startsWith("io.domainautomation.logic.cleanup.")
                && name.substring("io.domainautomation.logic.cleanup.".length()).contains(".")), names.toString());
    }

    @Test
    void preloadingFindsAPackagesClassesInAJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("app.jar");
        Path classes = Path.of(ClassPreloading.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // Directory entries, as Maven's jars have: a package is found through its directory.
            for (String directory : List.of("io/", "io/domainautomation/", "io/domainautomation/logic/",
                    "io/domainautomation/logic/cleanup/", "io/domainautomation/logic/cleanup/nested/")) {
                out.putNextEntry(new JarEntry(directory));
                out.closeEntry();
            }
            for (String file : List.of("io/domainautomation/logic/cleanup/RemovalCaps.class",
                    "io/domainautomation/logic/cleanup/RemovalCaps$Split.class", "io/domainautomation/logic/cleanup/package-info.class")) {
                out.putNextEntry(new JarEntry(file));
                Path source = classes.resolve(file);
                if (Files.exists(source)) {
                    out.write(Files.readAllBytes(source));
                }
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("io/domainautomation/logic/cleanup/nested/Other.class"));
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertEquals(List.of("io.domainautomation.logic.cleanup.RemovalCaps", "io.domainautomation.logic.cleanup.RemovalCaps$Split"),
                    ClassPreloading.classNames(loader, "io.domainautomation.logic.cleanup"));
        }
    }
}
