package io.domainautomation.fakes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.rotation.DeploymentLedger;

/** The rotation's deployments and announcements in memory, with {@code aws.DynamoDbDeployments}' conditions. */
public final class InMemoryDeploymentLedger implements DeploymentLedger {

    private final Map<String, Deployed> deployed = new LinkedHashMap<>();
    private final Map<String, String> announced = new LinkedHashMap<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
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
        if (state.equals(announced.get(key))) {
            return false;
        }
        announced.put(key, state);
        faults.after("deployments.announce");
        return true;
    }

    @Override
    public synchronized void withdraw(String app, String domain, String topic, String state) {
        faults.before("deployments.withdraw");
        announced.remove(app + " " + topic + " " + domain, state);
        faults.after("deployments.withdraw");
    }
}
