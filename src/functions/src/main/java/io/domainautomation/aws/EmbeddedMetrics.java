package io.domainautomation.aws;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * CloudWatch metrics in Embedded Metric Format: one JSON document per line on standard output, which Lambda
 * sends to CloudWatch Logs, where the metrics are extracted. No API call, nothing to wait for. The namespace carries
 * the stack ({@code METRICS_NAMESPACE}: {@code ScalingoDomainAutomation/<stack>}), so that two stacks in one account
 * keep their metrics, alarms and dashboards apart.
 */
@ApplicationScoped
public class EmbeddedMetrics {

    /** The namespace outside a stack (dev mode, tests); template.yaml sets one per stack. */
    public static final String NAMESPACE = "ScalingoDomainAutomation";

    private final ObjectMapper json;
    private final String namespace;
    private final Clock clock = Clock.systemUTC();
    private volatile PrintStream out = System.out;

    EmbeddedMetrics(ObjectMapper json, @ConfigProperty(name = "metrics.namespace", defaultValue = NAMESPACE) String namespace) {
        this.json = json;
        this.namespace = namespace;
    }

    /** Tests read the lines here. */
    public void redirect(PrintStream stream) {
        out = stream;
    }

    public void emit(String metric, String unit, double value, Map<String, String> dimensions) {
        Map<String, Object> document = new LinkedHashMap<>();
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.millis());
        aws.put("CloudWatchMetrics", List.of(Map.of(
                "Namespace", namespace,
                "Dimensions", List.of(List.copyOf(dimensions.keySet())),
                "Metrics", List.of(Map.of("Name", metric, "Unit", unit)))));
        document.put("_aws", aws);
        document.putAll(dimensions);
        document.put(metric, value);
        try {
            out.println(json.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
