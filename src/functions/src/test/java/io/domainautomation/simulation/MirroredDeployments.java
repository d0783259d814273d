package io.domainautomation.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.domainautomation.fakes.InMemoryDeploymentLedger;
import io.domainautomation.logic.rotation.DeploymentLedger;

/**
 * A fidelity run's deployment ledger: each call of the rotation mirrored on the DynamoDB adapter ({@link LedgerMirror}),
 * signed as the rotation; at the end of a history, everything both hold compared.
 */
public final class MirroredDeployments implements DeploymentLedger {

    private final InMemoryDeploymentLedger model;
    private final DeploymentLedger real;
    private final LedgerMirror mirror;
    private final Function<Supplier<Object>, Object> asRotation;

    public MirroredDeployments(InMemoryDeploymentLedger model, DeploymentLedger real, MirroredLedger.WireFaults wire,
            int attempts, Function<Supplier<Object>, Object> asRotation) {
        this.model = model;
        this.real = real;
        this.mirror = new LedgerMirror(wire, attempts, String::valueOf);
        this.asRotation = asRotation;
    }

    public LedgerMirror.Counts counts() {
        return mirror.counts();
    }

    @Override
    public Optional<Deployed> deployed(String app, String domain) {
        return call("deployed " + domain, () -> model.deployed(app, domain), () -> real.deployed(app, domain));
    }

    @Override
    public void recordDeployed(Deployed deployed) {
        call("recordDeployed " + deployed.domain(), () -> {
            model.recordDeployed(deployed);
            return null;
        }, () -> {
            real.recordDeployed(deployed);
            return null;
        });
    }

    @Override
    public Optional<Deployed> intent(String app, String domain) {
        return call("intent " + domain, () -> model.intent(app, domain), () -> real.intent(app, domain));
    }

    @Override
    public void recordIntent(Deployed intent) {
        call("recordIntent " + intent.domain(), () -> {
            model.recordIntent(intent);
            return null;
        }, () -> {
            real.recordIntent(intent);
            return null;
        });
    }

    @Override
    public void markAnnounced(Deployed deployed) {
        call("markAnnounced " + deployed.domain(), () -> {
            model.markAnnounced(deployed);
            return null;
        }, () -> {
            real.markAnnounced(deployed);
            return null;
        });
    }

    @Override
    public boolean announce(String app, String domain, String topic, String state) {
        return call("announce " + topic + " " + domain, () -> model.announce(app, domain, topic, state),
                () -> real.announce(app, domain, topic, state));
    }

    @Override
    public void confirm(String app, String domain, String topic, String state) {
        call("confirm " + topic + " " + domain, () -> {
            model.confirm(app, domain, topic, state);
            return null;
        }, () -> {
            real.confirm(app, domain, topic, state);
            return null;
        });
    }

    /**
     * Everything both hold for the app once the history is over: each domain's deployment and intent read back through
     * the adapter, each notice as stored ({@code items}: the table's items of the app, as an operator reads them).
     */
    public void compareStored(String app, List<String> domains, List<Map<String, String>> items) {
        mirror.counts().storedCompared++;
        List<String> stored = new ArrayList<>();
        for (String domain : domains) {
            asRotation.apply(() -> {
                real.deployed(app, domain).ifPresent(d -> stored.add("CERT#" + domain + " " + d));
                real.intent(app, domain).ifPresent(d -> stored.add("UPLOAD#" + domain + " " + d));
                return null;
            });
        }
        for (Map<String, String> item : items) {
            if (item.get("sk").startsWith("NOTICE#")) {
                stored.add(item.get("sk") + " state=" + item.get("state") + " published=" + item.get("published"));
            }
        }
        Collections.sort(stored);
        LedgerMirror.compare("stored deployments of " + app, String.valueOf(model.stored(app)), String.valueOf(stored));
    }

    private <T> T call(String call, Supplier<T> onModel, Supplier<T> onReal) {
        return mirror.call("deployments." + call, model::takeLastFault, onModel, onReal, asRotation);
    }
}
