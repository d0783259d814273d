package io.domainautomation.logic.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.domainautomation.logic.cleanup.CleanupEvents;
import io.domainautomation.logic.rotation.RotationEvents;
import io.domainautomation.logic.status.DnsDiagnosis;
import io.domainautomation.testsupport.ProjectFiles;
import io.domainautomation.testsupport.PublishedEvents;

/** Every detail-type the code publishes has its schema in infra/events and its row in README's catalogue, and no more. */
class EventCatalogueTest {

    private static Set<String> detailTypes() throws IllegalAccessException {
        Set<String> types = new HashSet<>();
        for (Class<?> events : List.of(LinkEvents.class, CleanupEvents.class, RotationEvents.class, CanonicalEvents.class)) {
            for (Field field : events.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    types.add((String) field.get(null));
                }
            }
        }
        return types;
    }

    @Test
    void eachDetailTypeHasItsSchemaAndItsReadmeRow() throws Exception {
        Set<String> types = detailTypes();
        assertEquals(14, types.size(), types.toString());
        String readme = Files.readString(ProjectFiles.at("README.md"));
        Set<String> schemas = new HashSet<>();
        for (String type : types) {
            JsonNode schema = new ObjectMapper().readTree(ProjectFiles.at(PublishedEvents.schemaOf(type)).toFile());
            assertTrue(schema.get("description").asText().contains("\"" + type + "\""), type + " in its schema's description");
            assertTrue(readme.contains("| `" + type + "` |"), type + " has a row in README's event catalogue");
            schemas.add(PublishedEvents.schemaOf(type));
        }
        try (Stream<java.nio.file.Path> files = Files.list(ProjectFiles.at("infra/events"))) {
            assertEquals(schemas, files.map(f -> "infra/events/" + f.getFileName()).collect(java.util.stream.Collectors.toSet()),
                    "no schema without an event");
        }
    }

    /** The codes a diagnosis may hold, in both events that carry one: DnsDiagnosis's, no more, no fewer. */
    @Test
    void theDiagnosisCodesOfTheSchemasAreThoseTheDiagnosisGives() throws Exception {
        Set<String> codes = new HashSet<>();
        for (Field field : DnsDiagnosis.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                codes.add((String) field.get(null));
            }
        }
        assertEquals(8, codes.size(), codes.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode linked = json.readTree(ProjectFiles.at("infra/events/domain-linked.schema.json").toFile());
        JsonNode stuck = json.readTree(ProjectFiles.at("infra/events/domain-validation-stuck.schema.json").toFile());
        for (JsonNode code : List.of(linked.at("/$defs/finding/properties/code/enum"),
                stuck.at("/properties/diagnosis/items/properties/code/enum"))) {
            Set<String> listed = new HashSet<>();
            code.forEach(c -> listed.add(c.asText()));
            assertEquals(codes, listed);
        }
        assertTrue(stuck.get("required").toString().contains("\"diagnosis\""), "every Domain Validation Stuck carries one");
    }

    @Test
    void theExampleRuleRoutesEventsOfTheCatalogue() throws Exception {
        JsonNode rule = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.at("infra/examples/domain-events-rule.yaml").toFile());
        JsonNode pattern = rule.at("/Resources/DomainEventsToOnboarding/Properties/EventPattern");
        assertEquals("scalingo-domain-automation", pattern.at("/source/0").asText());
        Set<String> routed = new HashSet<>();
        pattern.get("detail-type").forEach(t -> routed.add(t.asText()));
        assertTrue(routed.containsAll(Set.of("Domain Linked", "Domain Validation Stuck")), routed.toString());
        assertTrue(detailTypes().containsAll(routed), "every routed detail-type is published: " + routed);
    }
}
