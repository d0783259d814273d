package io.domainautomation.sandbox;

import java.util.HashMap;
import java.util.Map;

/**
 * What a deployed stack would give template.yaml's references: its name, region, account and parameter values, and the
 * physical names CloudFormation would have generated for resources the template leaves unnamed (the ledger's table,
 * the dead-letter queue). Parameters left out take the template's defaults.
 */
public record StackBinding(String stackName, String region, String accountId, Map<String, String> parameters,
        Map<String, String> physicalNames) {

    public StackBinding {
        parameters = Map.copyOf(parameters);
        physicalNames = Map.copyOf(physicalNames);
    }

    /** The sandbox's region and account, under a stack name. */
    public static StackBinding of(String stackName) {
        return new StackBinding(stackName, "eu-west-3", "000000000000", Map.of(), Map.of());
    }

    public StackBinding parameter(String name, String value) {
        Map<String, String> more = new HashMap<>(parameters);
        more.put(name, value);
        return new StackBinding(stackName, region, accountId, more, physicalNames);
    }

    public StackBinding physicalName(String logicalId, String name) {
        Map<String, String> more = new HashMap<>(physicalNames);
        more.put(logicalId, name);
        return new StackBinding(stackName, region, accountId, parameters, more);
    }

    String partition() {
        return "aws";
    }
}
