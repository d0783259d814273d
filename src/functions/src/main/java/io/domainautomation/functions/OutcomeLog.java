package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One structured JSON line per outcome, so logs can be queried by field. Callers pass no secrets. */
public final class OutcomeLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Logger logger;

    public OutcomeLog(String function) {
        this.logger = Logger.getLogger("io.domainautomation." + function);
    }

    public void info(Map<String, ?> fields) {
        logger.info(line(fields));
    }

    public void warn(Map<String, ?> fields) {
        logger.warn(line(fields));
    }

    public static String line(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(new LinkedHashMap<>(fields));
        } catch (JsonProcessingException e) {
            return "{\"outcome\":\"unloggable\"}";
        }
    }
}
