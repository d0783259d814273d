package io.domainautomation.scalingo;

/**
 * Where the long-lived Scalingo API token comes from. The client knows nothing of where it is kept: deployed, an
 * AWS Secrets Manager secret (io.domainautomation.aws supplies that source); locally, {@code SCALINGO_API_TOKEN}.
 * A token is never logged nor put in an error.
 */
public interface ApiTokenSource {

    /**
     * @throws IllegalStateException when no token can be had, with the reason (never the token)
     */
    String apiToken();

    /**
     * After Scalingo refused the token: looks again, in case it was rotated where it is kept. True when a different
     * token is now in use; false when there is nothing to look at again, or the same token is still there.
     */
    boolean reloadAfterRefusal();

    /** The token given in the configuration ({@code SCALINGO_API_TOKEN}), for local runs. */
    static ApiTokenSource configured(ScalingoConfig config) {
        return new ApiTokenSource() {
            @Override
            public String apiToken() {
                return config.apiToken().filter(t -> !t.isBlank()).map(String::trim)
                        .orElseThrow(() -> new IllegalStateException("No Scalingo API token: set SCALINGO_API_TOKEN, "
                                + "or SCALINGO_API_TOKEN_SECRET_ID to a Secrets Manager secret"));
            }

            @Override
            public boolean reloadAfterRefusal() {
                return false;
            }
        };
    }
}
