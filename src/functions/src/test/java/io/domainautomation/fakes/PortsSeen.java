package io.domainautomation.fakes;

import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.DomainsService;

/**
 * What the core is given for each in-memory port of a {@link CleanupWorld}: the port itself, or, in a fidelity run, a
 * mirror that also makes each call on the real adapter and compares the answers. The world's own fields stay the
 * in-memory ports, which the simulation drives and injects its faults into.
 */
public interface PortsSeen {

    PortsSeen AS_THEY_ARE = new PortsSeen() {
    };

    default CleanupLedger ledger(InMemoryCleanupLedger ledger) {
        return ledger;
    }

    default AppsService apps(InMemoryScalingo scalingo) {
        return scalingo;
    }

    default DomainsService domains(InMemoryScalingo scalingo) {
        return scalingo;
    }

    default DnsResolver dns(ScriptedDns dns) {
        return dns;
    }
}
