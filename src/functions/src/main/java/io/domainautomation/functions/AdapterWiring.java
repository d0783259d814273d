package io.domainautomation.functions;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.domainautomation.aws.AwsConfig;
import io.domainautomation.aws.EventsConfig;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.Ticker;
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
    CanonicalDomains canonicalDomains(DomainsService scalingo, CanonicalLedger ledger, EventSink events, Ticker ticker,
            AwsConfig aws) {
        return new CanonicalDomains(scalingo, ledger, events, ticker, aws.apiCallTimeout());
    }
}
