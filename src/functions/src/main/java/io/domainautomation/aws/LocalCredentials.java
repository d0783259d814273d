package io.domainautomation.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials for local runs and tests ({@code aws.local-credentials}), where every function runs in one process:
 * each call is signed as the function making it ({@code local-<export>}), so that the sandbox authorises it against
 * that function's own policy in template.yaml, as AWS would against its role. A function notes itself for the
 * duration of its invocation ({@link #callerIs}); AWS calls outside any function are signed {@code local-unattributed},
 * which the sandbox, enforcing IAM, denies, and tooling signs as {@link #OPERATOR}. Deployed functions never use these (their role's credentials come from
 * Lambda).
 */
public final class LocalCredentials implements AwsCredentialsProvider {

    /** What a local access key starts with; the rest is the function's export (the sandbox's convention). */
    public static final String PREFIX = "local-";
    /**
     * Not a function: the calls of tests and local tools (seeding secrets, clearing the ledger), which the sandbox
     * lets through as it would an operator's own credentials.
     */
    public static final String OPERATOR = "operator";
    private static final String UNATTRIBUTED = "unattributed";
    private static final ThreadLocal<String> CALLER = new ThreadLocal<>();

    /** The function the calls of this thread are made for, until the returned scope is closed. */
    public static Scope callerIs(String export) {
        String previous = CALLER.get();
        CALLER.set(export);
        return () -> {
            if (previous == null) {
                CALLER.remove();
            } else {
                CALLER.set(previous);
            }
        };
    }

    /**
     * {@code task}, made for this thread's caller on whichever thread runs it (a read the function makes side by side
     * on a thread of its own). Without a caller (deployed), {@code task} itself.
     */
    public static Runnable carried(Runnable task) {
        String caller = CALLER.get();
        if (caller == null) {
            return task;
        }
        return () -> {
            try (Scope scope = callerIs(caller)) {
                task.run();
            }
        };
    }

    /** Closing it gives the thread back its previous caller; it throws nothing. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        String caller = CALLER.get();
        return AwsBasicCredentials.create(PREFIX + (caller == null ? UNATTRIBUTED : caller), "local-secret-key");
    }
}
