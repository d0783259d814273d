package io.domainautomation.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.domainautomation.sandbox.SandboxServer;
import io.domainautomation.sandbox.SandboxState;

/**
 * The deployed artifact started the way Lambda's managed Java runtime starts it: target/function.zip extracted
 * (classes at the root, jars under lib/), the AWS runtime interface client as main class, the handler string as
 * its argument, and AWS_LAMBDA_RUNTIME_API naming a local Runtime API. Start them one at a time: the runtime
 * interface client unpacks its native library to a fixed path under /tmp (each Lambda sandbox has its own /tmp),
 * and two starting at once can load a file the other is still writing (seen here: SIGBUS in the dynamic loader).
 */
public final class PackagedFunction implements AutoCloseable {

    public static final String HANDLER = "io.domainautomation.functions.LambdaHandler::handleRequest";
    /** The handler of a bare Funqy function, such as the benchmarks' baseline. */
    public static final String FUNQY_HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest";
    private static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /**
     * Routes org.crac's global context (the function's SnapStart hooks) to the runtime interface client's own CRaC
     * context, which runs beforeCheckpoint before asking /restore/next and afterRestore once answered.
     */
    private static final String CRAC_HOOKS = "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac";

    private final Process process;
    private final Path log;

    private PackagedFunction(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Extracts the zip once per directory; returns the task root. */
    public static synchronized Path extract(Path zip, Path taskRoot) throws IOException {
        Path into = taskRoot.toAbsolutePath().normalize();
        Path marker = into.resolve(".extracted-" + Files.getLastModifiedTime(zip).toMillis());
        if (Files.exists(marker)) {
            return into;
        }
        if (Files.exists(into)) {
            try (var walk = Files.walk(into)) {
                walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        Files.createDirectories(into);
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Files.createFile(marker);
        return into;
    }

    /**
     * The runtime interface client and what it needs (its utils-lite too: an artifact without the AWS SDK lacks it),
     * taken from this JVM's (test) classpath. The function's own jars come first.
     */
    public static String runtimeClientClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains("aws-lambda-java-runtime-interface-client")
                        || entry.contains("aws-lambda-java-serialization") || entry.contains("aws-lambda-java-core")
                        || entry.contains("utils-lite"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * The environment of a deployed function pointed at a sandbox: its export, the Scalingo and AWS endpoints, the
     * token secret (named {@code scalingo/api-token}) and credentials in the environment, as Lambda provides them.
     */
    public static Map<String, String> againstSandbox(String sandboxUrl, String export) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QUARKUS_FUNQY_EXPORT", export);
        env.put("SCALINGO_API_URL", sandboxUrl);
        env.put("SCALINGO_AUTH_URL", sandboxUrl);
        env.put("SCALINGO_API_TOKEN_SECRET_ID", "scalingo/api-token");
        env.put("AWS_ENDPOINT_OVERRIDE", sandboxUrl);
        env.put("AWS_ACCESS_KEY_ID", SandboxState.localAccessKey(export));
        env.put("AWS_SECRET_ACCESS_KEY", "local-sandbox-secret");
        return env;
    }

    /**
     * As Lambda configures a SnapStart version: that initialization type and, where the environment held the role's
     * keys, no keys but the sandbox's container-credentials endpoint with this authorization token and the export
     * ({@code token-<export>}: one role per function).
     */
    public static Map<String, String> snapStart(Map<String, String> environment, int sandboxPort, String authorizationToken) {
        Map<String, String> snap = new java.util.HashMap<>(environment);
        snap.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        if (snap.containsKey("AWS_ACCESS_KEY_ID")) {
            snap.remove("AWS_ACCESS_KEY_ID");
            snap.remove("AWS_SECRET_ACCESS_KEY");
            snap.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + sandboxPort + SandboxServer.CONTAINER_CREDENTIALS_PATH);
            // One token per function, as Lambda gives each its own role (IamAsDeployed serves them).
            snap.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", authorizationToken + "-" + snap.get("QUARKUS_FUNQY_EXPORT"));
        }
        return snap;
    }

    public static PackagedFunction start(Path taskRoot, String runtimeApi, Map<String, String> environment, Path log,
            List<String> jvmOptions) throws IOException {
        return start(taskRoot, lambdaClasspath(taskRoot), runtimeApi, environment, log, jvmOptions);
    }

    /** The function's class path as Lambda lays it out: the task directory, then every jar in its lib/. */
    public static String lambdaClasspath(Path taskRoot) {
        return taskRoot + File.pathSeparator + taskRoot.resolve("lib") + File.separator + "*";
    }

    /** Started with this class path for the function's classes instead of Lambda's (the task directory, then lib/*). */
    public static PackagedFunction start(Path taskRoot, String classpath, String runtimeApi, Map<String, String> environment,
            Path log, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add(CRAC_HOOKS);
        command.add("-cp");
        command.add(classpath + File.pathSeparator + runtimeClientClasspath());
        command.add(RUNTIME_CLIENT_MAIN);
        String handler = handlerOf(taskRoot);
        command.add(handler);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        builder.environment().put("_HANDLER", handler);
        builder.environment().put("AWS_REGION", "eu-west-3");
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        builder.environment().put("DISABLE_SIGNAL_HANDLERS", "true");
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        return new PackagedFunction(builder.start(), log);
    }

    /** The handler template.yaml names for this artifact; an artifact without it (the baseline) has Funqy's own. */
    public static String handlerOf(Path taskRoot) {
        return Files.exists(taskRoot.resolve("io/domainautomation/functions/LambdaHandler.class"))
                || Files.exists(taskRoot.resolve("lib/application.jar")) ? HANDLER : FUNQY_HANDLER;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * The remote ports of the TCP connections the function's process holds, listening sockets aside (Linux: its socket
     * descriptors in /proc/PID/fd, looked up in /proc/net/tcp and tcp6).
     */
    public List<Integer> connectedPorts() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var descriptors = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while it was listed
                }
            }
        }
        return TcpSockets.all().stream().filter(socket -> inodes.contains(socket.inode()))
                .filter(socket -> !socket.state().equals(TcpSockets.LISTEN)).map(TcpSockets.Socket::remotePort).toList();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** As a crash or an out-of-memory kill would: no shutdown, no answer. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
