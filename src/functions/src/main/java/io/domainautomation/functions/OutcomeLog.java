package io.domainautomation.functions;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One structured line per outcome, so logs can be queried by field; the logger is named after the function
 * ({@code io.domainautomation.link-on-signup}, ...). Callers pass no secrets.
 * <p>
 * Where the console writes JSON (deployed), the line is a whole log record with the outcome fields at its top level
 * ({@code timestamp}, {@code level}, {@code logger}, {@code requestId}, then the fields), which Quarkus' JSON formatter
 * cannot do (it would quote the fields as one message string); the logger's level still decides whether it is written.
 * Elsewhere (dev mode, tests) it is the JSON of the fields as the message of an ordinary log record.
 */
@ApplicationScoped
public class OutcomeLog {

    private final ObjectMapper json;
    private final boolean wholeRecords;
    private volatile PrintStream out = System.out;

    OutcomeLog(ObjectMapper json, @ConfigProperty(name = "quarkus.log.console.json.enabled", defaultValue = "true") boolean jsonConsole) {
        this.json = json;
        this.wholeRecords = jsonConsole;
    }

    public void info(String function, Map<String, ?> fields) {
        write(Logger.Level.INFO, function, fields);
    }

    public void warn(String function, Map<String, ?> fields) {
        write(Logger.Level.WARN, function, fields);
    }

    private void write(Logger.Level level, String function, Map<String, ?> fields) {
        Logger logger = Logger.getLogger("io.domainautomation." + function);
        if (!logger.isEnabled(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        if (wholeRecords) {
            line.put("timestamp", Instant.now().toString());
            line.put("level", level.name());
            line.put("logger", logger.getName());
            LambdaHandler.Invocation invocation = LambdaHandler.current();
            if (invocation != null) {
                line.put("requestId", invocation.requestId());
            }
        }
        line.put("function", function);
        line.putAll(fields);
        if (wholeRecords) {
            // what a reader sees first in the console and in Lambda's log view
            line.putIfAbsent("message", function + " " + line.getOrDefault("outcome", "done"));
        }
        String text;
        try {
            text = json.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"function\":\"" + function + "\",\"outcome\":\"unloggable\"}";
        }
        if (wholeRecords) {
            out.println(text);
        } else {
            logger.log(level, text);
        }
    }
}
