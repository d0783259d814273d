package io.domainautomation.sandbox;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AWS credentials as the sandbox sees them: the authorization token its container-credentials endpoint expects, and
 * the access key ids of the SigV4-signed requests it received. Lock-free (a volatile field and a concurrent set).
 */
final class CredentialsState {

    private volatile String containerAuthorization;
    private final Set<String> signingKeys = ConcurrentHashMap.newKeySet();

    /** Serve role credentials at the container-credentials endpoint to callers presenting this authorization token. */
    void containerCredentials(String authorizationToken) {
        containerAuthorization = authorizationToken;
    }

    /** The token the container-credentials endpoint expects; null until one is set, when it refuses every caller. */
    String containerAuthorization() {
        return containerAuthorization;
    }

    void recordSigningKey(String accessKeyId) {
        signingKeys.add(accessKeyId);
    }

    /** The access key ids seen in SigV4-signed requests. */
    Set<String> signingKeys() {
        return Set.copyOf(signingKeys);
    }
}
