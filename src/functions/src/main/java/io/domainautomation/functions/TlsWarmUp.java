package io.domainautomation.functions;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * When Lambda starts an environment itself (on demand, or for provisioned concurrency), builds the JDK's TLS machinery
 * (the trusted certificates, a TLS context) on a second thread as soon as Lambda loads the handler, while the main
 * thread starts Quarkus. Otherwise the first AWS client would do it on its way to the token, which the first
 * invocation waits for. The JDK keeps the trust store it read, so the AWS SDK's HTTP client and the REST client's find
 * it ready. Not with SnapStart: there the priming runs this path before the snapshot.
 */
final class TlsWarmUp {

    static final String THREAD_NAME = "tls-warm-up";

    private TlsWarmUp() {
    }

    /**
     * Starts the warm-up unless outside Lambda or a SnapStart init ({@code AWS_LAMBDA_INITIALIZATION_TYPE}), as
     * {@link ColdStartPriming} reads it.
     */
    static Optional<Thread> startUnlessSnapStart(String initializationType) {
        if (ColdStartPriming.Initialization.of(initializationType) != ColdStartPriming.Initialization.ON_DEMAND) {
            return Optional.empty();
        }
        Thread thread = new Thread(TlsWarmUp::warm, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
        return Optional.of(thread);
    }

    static void warm() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            // Nothing is lost: the first client that needs TLS builds it again and reports what fails.
        }
    }
}
