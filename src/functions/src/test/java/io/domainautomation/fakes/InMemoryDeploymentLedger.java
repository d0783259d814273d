package io.domainautomation.fakes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.rotation.DeploymentLedger;

/** The rotation's deployments and announcements in memory, with {@code aws.DynamoDbDeployments}' conditions. */
public final class InMemoryDeploymentLedger implements DeploymentLedger {

    private final Map<String, Deployed> deployed = new LinkedHashMap<>();
    private final Map<String, Deployed> intents = new LinkedHashMap<>();
    private final Map<String, String> announced = new LinkedHashMap<>();
    private final Map<String, Boolean> published = new LinkedHashMap<>();
    private final RecordedFaults faults = new RecordedFaults();
    private String lastIntent;

    public void faults(Faults faults) {
        this.faults.use(faults);
    }

    /** The last fault a call met (a fidelity run's mirror injects it at the real adapter's wire), and forgets it. */
    public InMemoryScalingo.FaultSeen takeLastFault() {
        return faults.take();
    }

    /** What it holds for one app, read without faults, as the ledger's items would read (sorted). */
    public synchronized java.util.List<String> stored(String app) {
        java.util.List<String> items = new java.util.ArrayList<>();
        deployed.forEach((key, d) -> {
            if (key.startsWith(app + " ")) {
                items.add("CERT#" + d.domain() + " " + d);
            }
        });
        intents.forEach((key, d) -> {
            if (key.startsWith(app + " ")) {
                items.add("UPLOAD#" + d.domain() + " " + d);
            }
        });
        announced.forEach((key, state) -> {
            String[] parts = key.split(" ", 3);
            if (parts[0].equals(app)) {
                items.add("NOTICE#" + parts[1] + "#" + parts[2] + " state=" + state + " published="
                        + published.getOrDefault(key, true));
            }
        });
        java.util.Collections.sort(items);
        return items;
    }

    @Override
    public synchronized Optional<Deployed> deployed(String app, String domain) {
        faults.before("deployments.deployed");
        return Optional.ofNullable(deployed.get(app + " " + domain));
    }

    @Override
    public synchronized void recordDeployed(Deployed record) {
        faults.before("deployments.recordDeployed");
        deployed.put(record.app() + " " + record.domain(), record);
        faults.after("deployments.recordDeployed");
    }

    @Override
    public synchronized boolean announce(String app, String domain, String topic, String state) {
        faults.before("deployments.announce");
        String key = app + " " + topic + " " + domain;
        if (state.equals(announced.get(key)) && published.getOrDefault(key, true)) {
            return false;
        }
        announced.put(key, state);
        published.put(key, false);
        faults.after("deployments.announce");
        return true;
    }

    @Override
    public synchronized Optional<Deployed> intent(String app, String domain) {
        faults.before("deployments.intent");
        return Optional.ofNullable(intents.get(app + " " + domain));
    }

    /** The domain of the intent written last, read without faults (for the simulator's excuses). */
    public synchronized Optional<String> lastIntentDomain() {
        return Optional.ofNullable(lastIntent);
    }

    @Override
    public synchronized void recordIntent(Deployed intent) {
        faults.before("deployments.recordIntent");
        intents.put(intent.app() + " " + intent.domain(), intent);
        lastIntent = intent.domain();
        faults.after("deployments.recordIntent");
    }

    @Override
    public synchronized void markAnnounced(Deployed record) {
        faults.before("deployments.markAnnounced");
        String key = record.app() + " " + record.domain();
        Deployed stored = deployed.get(key);
        if (stored != null && stored.deployedAt().equals(record.deployedAt())) {
            deployed.put(key, record.announcedNow());
        }
        faults.after("deployments.markAnnounced");
    }

    @Override
    public synchronized void confirm(String app, String domain, String topic, String state) {
        faults.before("deployments.confirm");
        String key = app + " " + topic + " " + domain;
        if (state.equals(announced.get(key))) {
            published.put(key, true);
        }
        faults.after("deployments.confirm");
    }
}
