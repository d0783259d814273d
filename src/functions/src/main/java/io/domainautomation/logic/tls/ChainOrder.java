package io.domainautomation.logic.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a certificate chain in order (leaf first, each certificate signed by the next) when it is only shuffled,
 * and refuses it when it is broken: a certificate that belongs to no path from the leaf, or a signature that does
 * not verify.
 */
public final class ChainOrder {

    private ChainOrder() {
    }

    public static List<X509Certificate> order(List<X509Certificate> given) throws CertificateProblem {
        if (given.size() == 1) {
            return given;
        }
        List<X509Certificate> leaves = given.stream().filter(c -> given.stream()
                .noneMatch(other -> other != c && issuedBy(other, c))).toList();
        if (leaves.size() != 1) {
            throw new CertificateProblem("broken-chain", "the chain has " + leaves.size()
                    + " certificates that sign nothing else in it; expected one leaf");
        }
        List<X509Certificate> ordered = new ArrayList<>();
        X509Certificate current = leaves.get(0);
        ordered.add(current);
        while (ordered.size() < given.size()) {
            X509Certificate child = current;
            X509Certificate parent = given.stream().filter(c -> !ordered.contains(c) && issuedBy(child, c))
                    .findFirst().orElse(null);
            if (parent == null) {
                break;
            }
            ordered.add(parent);
            current = parent;
        }
        if (ordered.size() < given.size()) {
            X509Certificate stray = given.stream().filter(c -> !ordered.contains(c)).findFirst().get();
            throw new CertificateProblem("broken-chain", "certificate " + PemBundle.scalingoSubject(stray)
                    + " does not sign the one before it in the chain");
        }
        for (int i = 0; i + 1 < ordered.size(); i++) {
            if (!signatureVerifies(ordered.get(i), ordered.get(i + 1))) {
                throw new CertificateProblem("broken-chain", "the signature of " + PemBundle.scalingoSubject(ordered.get(i))
                        + " does not verify with the key of " + PemBundle.scalingoSubject(ordered.get(i + 1)));
            }
        }
        return ordered;
    }

    /** {@code child} names {@code issuer} as its issuer, and is not self-signed. */
    private static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
        return child != issuer && child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                && !child.getIssuerX500Principal().equals(child.getSubjectX500Principal());
    }

    private static boolean signatureVerifies(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
