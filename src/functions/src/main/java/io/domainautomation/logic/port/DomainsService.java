package io.domainautomation.logic.port;

import java.time.Duration;
import java.util.List;

/**
 * Scalingo's custom domains of an app (go-scalingo's {@code DomainsService}). Implemented by
 * {@code scalingo.ScalingoClient}, which retries what is worth retrying; in tests by an in-memory platform. Every
 * failure is a {@link ScalingoException}; a reply lost after the change was applied surfaces as a transient one
 * (status 0), so a caller that must know settles it by listing again.
 */
public interface DomainsService {

    /**
     * The longest one request to Scalingo can take (its connect and read timeouts): a request is started only with
     * at least this much left before the deadline it is given, so every call ends by it. A caller that must still
     * make a call after some work of its own keeps this much for it.
     */
    Duration longestRequest();

    List<Domain> listDomains(String app, Deadline deadline);

    /** Links a domain; a retry after a lost reply returns the domain the first attempt linked. */
    Domain linkDomain(String app, DomainChanges link, Deadline deadline);

    Domain updateDomain(String app, String domainId, DomainChanges changes, Deadline deadline);

    /** Unlinks a domain; a 404 is reported as a {@link ScalingoException} for the caller to judge. */
    void unlinkDomain(String app, String domainId, Deadline deadline);
}
