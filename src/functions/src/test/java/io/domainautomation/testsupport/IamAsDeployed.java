package io.domainautomation.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.sandbox.StackBinding;
import io.domainautomation.sandbox.TemplateIam;

/**
 * The packaged tests' stack: template.yaml's IAM enforced by their sandbox, for a stack named {@value #STACK} whose
 * token secret, bus, ledger table and dead-letter queue are the ones the test made; its functions sign as their roles
 * (environment keys, or role credentials for SnapStart) and carry their deployed names.
 */
public final class IamAsDeployed {

    public static final String STACK = "local";
    public static final List<String> EXPORTS = List.of("link-on-signup", "set-canonical", "rotate-cert-from-secrets-manager",
            "cleanup-stale", "domain-status");

    private final TemplateIam policies;

    private IamAsDeployed(TemplateIam policies) {
        this.policies = policies;
    }

    /**
     * Enforces the template's IAM on this sandbox, passes its DynamoDB calls on to dynalite, and serves each function's
     * role credentials for {@code authorizationToken + "-" + export} (see {@link PackagedFunction#snapStart}).
     */
    public static IamAsDeployed enforce(SandboxState sandbox, String tokenSecret, String bus, String table, String deadLetterQueue,
            java.net.URI dynamo, String authorizationToken) {
        StackBinding stack = StackBinding.of(STACK)
                .parameter("ScalingoApiTokenSecretArn", sandbox.secretArn(tokenSecret).orElseThrow())
                .parameter("EventBusName", bus)
                // The packaged tests name their certificate secrets scalingo-certs/..., as an operator may choose.
                .parameter("CertificateSecretPrefix", "scalingo-certs/")
                .physicalName("CleanupLedgerTable", table)
                .physicalName("OnboardingDeadLetterQueue", deadLetterQueue);
        try {
            TemplateIam policies = TemplateIam.read(ProjectFiles.at("template.yaml"), stack);
            sandbox.enforceIam(policies);
            sandbox.dynamoUpstream(dynamo);
            for (String export : EXPORTS) {
                sandbox.roleCredentials(authorizationToken + "-" + export, export);
            }
            return new IamAsDeployed(policies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What IAM depends on in the function's environment as deployed: its name (Lambda sets it) and the function its
     * continuation invokes (the template sets it: the live alias).
     */
    public Map<String, String> environment(String export) {
        Map<String, String> environment = new HashMap<>();
        environment.put("AWS_LAMBDA_FUNCTION_NAME", policies.functionName(export));
        for (String variable : List.of("ROTATION_CONTINUATION_FUNCTION", "CLEANUP_CONTINUATION_FUNCTION")) {
            policies.environmentVariable(export, variable).ifPresent(value -> environment.put(variable, value));
        }
        return environment;
    }

    public TemplateIam policies() {
        return policies;
    }
}
