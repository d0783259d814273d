package io.domainautomation.sandbox;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AWS credentials as the sandbox sees them: the authorization tokens its container-credentials endpoint accepts, each
 * with the access key id it hands out (one per function: its role), and the access key ids of the SigV4-signed
 * requests it received. Lock-free (concurrent collections).
 */
final class CredentialsState {

    private final Map<String, String> containerKeys = new ConcurrentHashMap<>();
    private final Set<String> signingKeys = ConcurrentHashMap.newKeySet();

    /** Serve credentials with this access key id at the container-credentials endpoint to callers presenting the token. */
    void containerCredentials(String authorizationToken, String accessKeyId) {
        containerKeys.put(authorizationToken, accessKeyId);
    }

    /** The access key id served for this token; null for a token never given, which the endpoint refuses. */
    String containerAccessKey(String authorizationToken) {
        return containerKeys.get(authorizationToken);
    }

    void recordSigningKey(String accessKeyId) {
        signingKeys.add(accessKeyId);
    }

    /** The access key ids seen in SigV4-signed requests. */
    Set<String> signingKeys() {
        return Set.copyOf(signingKeys);
    }
}
