package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One structured JSON line per outcome, so logs can be queried by field; the logger is named after the function
 * ({@code io.domainautomation.link-on-signup}, ...). Callers pass no secrets.
 */
@ApplicationScoped
public class OutcomeLog {

    private final ObjectMapper json;

    OutcomeLog(ObjectMapper json) {
        this.json = json;
    }

    public void info(String function, Map<String, ?> fields) {
        Logger.getLogger("io.domainautomation." + function).info(line(function, fields));
    }

    public void warn(String function, Map<String, ?> fields) {
        Logger.getLogger("io.domainautomation." + function).warn(line(function, fields));
    }

    private String line(String function, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("function", function);
        line.putAll(fields);
        try {
            return json.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            return "{\"function\":\"" + function + "\",\"outcome\":\"unloggable\"}";
        }
    }
}
