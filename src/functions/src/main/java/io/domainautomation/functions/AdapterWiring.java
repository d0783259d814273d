package io.domainautomation.functions;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.domainautomation.aws.AwsConfig;
import io.domainautomation.aws.DynamoDbCleanupRecords;
import io.domainautomation.aws.DynamoDbTombstones;
import io.domainautomation.aws.EventsConfig;
import io.domainautomation.dns.DnsProbe;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.DomainLinker;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.logic.Offboarding;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.cleanup.CleanupConfig;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.status.DomainStatus;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.scalingo.ScalingoConfig;

/** What logic needs from the adapters' settings, as logic's own types (logic reads no adapter's configuration). */
public class AdapterWiring {

    @Produces
    @Singleton
    AppHosts appHosts(ScalingoConfig scalingo, EventsConfig events) {
        return new AppHosts(scalingo.apiUrl(), events.appDomain());
    }

    @Produces
    @Singleton
    AppDirectory appDirectory(AppsService apps, Clock clock) {
        return new AppDirectory(apps, clock);
    }

    @Produces
    @Singleton
    CanonicalDomains canonicalDomains(DomainsService scalingo, AppDirectory apps, CanonicalLedger ledger, EventSink events,
            Clock clock, Ticker ticker, AwsConfig aws) {
        return new CanonicalDomains(scalingo, apps, ledger, events, clock, ticker, aws.apiCallTimeout());
    }

    @Produces
    @Singleton
    SignupLinking signupLinking(DomainLinker linker, CertificateAttachment certificates, AppDirectory apps, AppHosts hosts,
            LinkLedger ledger, DeadLetters deadLetters, EventSink events, Clock clock, Ticker ticker, AwsConfig aws,
            DomainsService scalingo, DynamoDbTombstones tombstones, DnsProbe dns) {
        Offboarding offboarding = new Offboarding(scalingo, apps, tombstones, events, clock, ticker, aws.apiCallTimeout());
        return new SignupLinking(linker, offboarding, certificates, apps, hosts, ledger, deadLetters, events, clock, ticker,
                aws.apiCallTimeout(), dns);
    }

    @Produces
    @Singleton
    DomainStatus domainStatus(AppDirectory apps, DomainsService scalingo, DnsProbe dns, AppHosts hosts,
            DynamoDbCleanupRecords records, CleanupConfig cleanup, Clock clock, Ticker ticker, AwsConfig aws) {
        return new DomainStatus(apps, scalingo, dns, hosts, records, cleanup.confirmAfter(), clock, ticker, aws.apiCallTimeout());
    }
}
