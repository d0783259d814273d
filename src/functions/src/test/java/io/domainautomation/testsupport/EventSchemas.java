package io.domainautomation.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/** Validates JSON against the project's published schemas with a JSON Schema validator (draft 2020-12). */
public final class EventSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private EventSchemas() {
    }

    /** What is wrong with an event's detail, as the code builds it, against the schema at {@code schemaFile}. */
    public static List<String> problems(String schemaFile, Map<String, Object> detail) {
        return problems(schemaFile, JSON.<JsonNode>valueToTree(detail));
    }

    /** What is wrong with {@code document} against the schema at {@code schemaFile} (relative to the project's root). */
    public static List<String> problems(String schemaFile, JsonNode document) {
        Path path = ProjectFiles.at(schemaFile);
        try (InputStream in = Files.newInputStream(path)) {
            Schema schema = REGISTRY.getSchema(in);
            return schema.validate(document).stream().map(Object::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
