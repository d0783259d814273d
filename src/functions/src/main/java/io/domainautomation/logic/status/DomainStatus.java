package io.domainautomation.logic.status;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.cleanup.CleanupRecords;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.events.DnsInstructions;
import io.domainautomation.logic.ownership.OwnershipConfig;
import io.domainautomation.logic.ownership.ProofRecord;
import io.domainautomation.logic.ownership.ProofRecords;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.Ticker;

/**
 * One customer domain's state in one answer, read only: linked or not, canonical, its certificate (Let's Encrypt's
 * state, or a custom certificate's expiry), the DNS records it needs and those found with a diagnosis of what keeps it
 * from working, whether cleanup-stale has it marked (and not to be removed before when), and, once removed, its
 * tombstone. Costs Scalingo one list (and one app lookup per container every five minutes), the ledger two reads by
 * key, and DNS three lookups.
 */
public final class DomainStatus {

    private final AppDirectory apps;
    private final DomainsService scalingo;
    private final DnsCheck dnsCheck;
    private final AppHosts hosts;
    private final CleanupRecords cleanup;
    private final Duration confirmAfter;
    private final Clock clock;
    private final Ticker ticker;
    private final Duration oneCall;
    private final OwnershipConfig.Mode ownership;
    private final ProofRecords proofs;

    /**
     * @param confirmAfter how long after its first stale sighting a marked domain may be removed (CLEANUP_CONFIRM_AFTER)
     * @param oneCall the longest one ledger call takes (AWS_API_CALL_TIMEOUT)
     */
    public DomainStatus(AppDirectory apps, DomainsService scalingo, DnsResolver dns, AppHosts hosts, CleanupRecords cleanup,
            Duration confirmAfter, Clock clock, Ticker ticker, Duration oneCall) {
        this(apps, scalingo, dns, hosts, cleanup, confirmAfter, clock, ticker, oneCall, OwnershipConfig.Mode.NONE,
                (app, domain) -> Optional.empty());
    }

    /**
     * @param ownership whether link-on-signup asks for proof of ownership (OWNERSHIP_PROOF)
     * @param proofs the proofs on record, read when it does
     */
    public DomainStatus(AppDirectory apps, DomainsService scalingo, DnsResolver dns, AppHosts hosts, CleanupRecords cleanup,
            Duration confirmAfter, Clock clock, Ticker ticker, Duration oneCall, OwnershipConfig.Mode ownership,
            ProofRecords proofs) {
        this.ownership = ownership;
        this.proofs = proofs;
        this.apps = apps;
        this.scalingo = scalingo;
        this.dnsCheck = new DnsCheck(dns, ticker);
        this.hosts = hosts;
        this.cleanup = cleanup;
        this.confirmAfter = confirmAfter;
        this.clock = clock;
        this.ticker = ticker;
        this.oneCall = oneCall;
    }

    /**
     * @throws io.domainautomation.logic.port.ScalingoException an unknown app (a 404), or Scalingo failing
     * @throws io.domainautomation.logic.LedgerUnavailable the ledger failing
     */
    public Map<String, Object> of(String asked, Hostname domain, Deadline deadline) {
        App app = apps.resolve(asked, deadline);
        String name = domain.ascii();
        Optional<Domain> linked = Domain.named(scalingo.listDomains(asked, deadline), name);
        String appHost = hosts.of(app.name());
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("app", app.name());
        status.put("appId", app.id());
        status.put("domain", name);
        status.put("checkedAt", clock.instant().toString());
        status.put("linked", linked.isPresent());
        status.put("canonical", linked.map(Domain::isCanonical).orElse(false));
        status.put("certificate", certificate(linked));
        // the ledger's two reads first (by key, quick), then DNS, whose lookups may take seconds each
        Map<String, Object> cleanupStatus = cleanup(app.name(), name, linked, deadline);
        boolean proofRead = ownership != OwnershipConfig.Mode.NONE && deadline.allows(oneCall, ticker);
        Optional<ProofRecord> proof = proofRead ? proofs.read(app.id(), name) : Optional.empty();
        status.put("dns", dns(name, linked, appHost, deadline));
        status.put("cleanup", cleanupStatus);
        Map<String, Object> ownershipStatus = OwnershipStatus.of(ownership, proof, clock.instant());
        if (ownership != OwnershipConfig.Mode.NONE && !proofRead) {
            ownershipStatus.remove("state");
            ownershipStatus.put("checked", false);
            ownershipStatus.put("reason", "too little of this request's time was left to read the proof on record");
        }
        status.put("ownershipProof", ownershipStatus);
        OwnershipStatus.finding(proof, linked.isPresent(), appHost, clock.instant()).ifPresent(pending -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> dnsStatus = (Map<String, Object>) status.get("dns");
            List<Object> diagnosis = new ArrayList<>((List<?>) dnsStatus.getOrDefault("diagnosis", List.of()));
            diagnosis.add(0, Map.of("code", pending.code(), "message", pending.message()));
            dnsStatus.put("diagnosis", diagnosis);
        });
        return status;
    }

    private static Map<String, Object> certificate(Optional<Domain> linked) {
        Map<String, Object> certificate = new LinkedHashMap<>();
        if (linked.isEmpty()) {
            certificate.put("source", "none");
            return certificate;
        }
        Domain domain = linked.get();
        boolean letsencrypt = !Boolean.FALSE.equals(domain.letsencryptEnabled());
        certificate.put("source", domain.hasCustomCertificate() ? "custom" : letsencrypt ? "letsencrypt" : "none");
        Map<String, Object> le = new LinkedHashMap<>();
        le.put("enabled", letsencrypt);
        le.put("status", domain.letsencryptStatus());
        certificate.put("letsencrypt", le);
        if (domain.validity() != null) {
            certificate.put("expiresAt", domain.validity().toInstant().toString());
        }
        if (domain.hasCustomCertificate() && domain.tlscert() != null) {
            certificate.put("subject", domain.tlscert());
        }
        return certificate;
    }

    private Map<String, Object> dns(String name, Optional<Domain> linked, String appHost, Deadline deadline) {
        Map<String, Object> dnsStatus = new LinkedHashMap<>();
        linked.ifPresent(d -> dnsStatus.put("required", DnsInstructions.of(d, appHost)));
        DnsCheck.Result check = dnsCheck.of(name, appHost, linked.map(DnsCheck::awaitsLetsencrypt).orElse(true),
                new HashMap<>(), deadline);
        if (!check.checked()) {
            dnsStatus.put("checked", false);
            dnsStatus.put("reason", check.notChecked().get());
            return dnsStatus;
        }
        Map<String, Object> found = new LinkedHashMap<>();
        found.put("cname", check.answer().cnameChain());
        if (!check.answer().danglingTargets().isEmpty()) {
            found.put("danglingCname", check.answer().danglingTargets());
        }
        found.put("addresses", check.answer().addresses().stream().map(DnsDiagnosis::shown).sorted().toList());
        found.put("platformAddresses", check.platform().addresses().stream().map(DnsDiagnosis::shown).sorted().toList());
        Map<String, Object> caaFound = new LinkedHashMap<>();
        check.caa().at().ifPresent(at -> caaFound.put("at", at));
        caaFound.put("issue", check.caa().issue());
        caaFound.put("issuewild", check.caa().issuewild());
        found.put("caa", caaFound);
        dnsStatus.put("checked", true);
        dnsStatus.put("found", found);
        dnsStatus.put("diagnosis", check.diagnosis());
        return dnsStatus;
    }

    private Map<String, Object> cleanup(String app, String name, Optional<Domain> linked, Deadline deadline) {
        Map<String, Object> status = new LinkedHashMap<>();
        if (!deadline.allows(oneCall.multipliedBy(2), ticker)) {
            status.put("checked", false);
            status.put("reason", "too little of this request's time was left to read the cleanup's ledger");
            return status;
        }
        status.put("checked", true);
        Optional<StaleRecord> record = cleanup.staleRecord(app, name)
                .filter(r -> linked.map(d -> d.id().equals(r.domainId())).orElse(false));
        status.put("marked", record.isPresent());
        record.ifPresent(r -> {
            status.put("staleSince", r.firstStaleAt().toString());
            status.put("sightings", r.sightings());
            status.put("rules", r.rules());
            status.put("notRemovedBefore", r.firstStaleAt().plus(confirmAfter).toString());
        });
        if (linked.isEmpty()) {
            cleanup.tombstone(app, name).ifPresent(t -> status.put("removed", removed(t)));
        }
        return status;
    }

    private static Map<String, Object> removed(Tombstone tombstone) {
        Map<String, Object> removed = new LinkedHashMap<>();
        removed.put("removedAt", tombstone.removedAt().toString());
        removed.put("reason", tombstone.offboarding() ? "offboarding" : "stale");
        removed.put("rules", tombstone.rules());
        removed.put("restore", Map.of("restore", Map.of("app", tombstone.app(), "domain", tombstone.domain())));
        removed.put("restoreStarted", tombstone.restoreStarted() != null);
        return removed;
    }
}
