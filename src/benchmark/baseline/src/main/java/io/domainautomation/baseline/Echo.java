package io.domainautomation.baseline;

import java.util.Map;

import io.quarkus.funqy.Funq;

/** The smallest useful Funqy function: answers with what it got. */
public class Echo {

    @Funq("echo")
    public Map<String, Object> echo(Map<String, Object> input) {
        return input;
    }
}
