package io.domainautomation.scalingo;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.MediaType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.domainautomation.logic.port.ScalingoException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error body Scalingo documents, and the ones it does not, become one clear {@link ScalingoException}. */
class ScalingoErrorMapperTest {

    private static final ScalingoErrorMapper MAPPER = new ScalingoErrorMapper(new com.fasterxml.jackson.databind.ObjectMapper());

    @Test
    void fieldErrorsOfA422AreKeptPerField() {
        ScalingoException e = MAPPER.fromReply(422,
                "{\"errors\":{\"name\":[\"has already been taken\"],\"tlscert\":[\"is invalid\",\"is expired\"]}}",
                MediaType.APPLICATION_JSON_TYPE, null);
        assertEquals(Map.of("name", List.of("has already been taken"), "tlscert", List.of("is invalid", "is expired")),
                e.fieldErrors());
        assertTrue(e.isPermanent());
        assertTrue(e.getMessage().contains("name has already been taken"), e.getMessage());
    }

    @Test
    void a404NamesTheMissingResource() {
        ScalingoException e = MAPPER.fromReply(404, "{\"resource\":\"app\",\"error\":\"not found\"}",
                MediaType.APPLICATION_JSON_TYPE, null);
        assertEquals(Optional.of("app"), e.resource());
        assertEquals(List.of("not found"), e.messages());
        assertTrue(e.isNotFound());
    }

    @Test
    void both429BodiesAreAcceptedAndTransient() {
        ScalingoException plain = MAPPER.fromReply(429, "Retry later", MediaType.TEXT_PLAIN_TYPE, null);
        ScalingoException json = MAPPER.fromReply(429, "{\"error\":\"too many requests\",\"code\":\"rate_limited\"}",
                MediaType.APPLICATION_JSON_TYPE, null);
        assertEquals(List.of("Retry later"), plain.messages());
        assertEquals(List.of("too many requests"), json.messages());
        assertTrue(plain.isTransient() && plain.isRateLimited());
        assertTrue(json.isTransient() && json.isRateLimited());
    }

    @Test
    void htmlEmptyAndTruncatedBodiesAreDescribedNotEchoed() {
        ScalingoException html = MAPPER.fromReply(502, "<!DOCTYPE html><html><body>Bad gateway</body></html>",
                MediaType.TEXT_HTML_TYPE, null);
        assertTrue(html.messages().get(0).startsWith("non-JSON reply (text/html"), html.messages().toString());
        assertFalse(html.getMessage().contains("<html>"));

        ScalingoException empty = MAPPER.fromReply(503, "", null, null);
        assertEquals(List.of("empty reply body"), empty.messages());

        ScalingoException truncated = MAPPER.fromReply(500, "{\"error\":\"inter", MediaType.APPLICATION_JSON_TYPE, null);
        assertEquals(List.of("{\"error\":\"inter"), truncated.messages());
        assertTrue(truncated.isTransient());
    }

    @Test
    void unrecognisedJsonIsSaidToBeUnrecognised() {
        ScalingoException e = MAPPER.fromReply(400, "{\"surprise\":true}", MediaType.APPLICATION_JSON_TYPE, null);
        assertEquals(List.of("unrecognised JSON error body"), e.messages());
    }

    @Test
    void aVeryLongPlainBodyIsShortened() {
        ScalingoException e = MAPPER.fromReply(500, "x".repeat(5000), MediaType.TEXT_PLAIN_TYPE, null);
        assertTrue(e.getMessage().length() < 400, "message length " + e.getMessage().length());
    }

    @Test
    void retryAfterInSecondsOrAsADateIsRead() {
        assertEquals(Duration.ofSeconds(7), ScalingoErrorMapper.parseRetryAfter("7"));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        Duration fromDate = ScalingoErrorMapper.parseRetryAfter(inTenSeconds);
        assertTrue(fromDate.compareTo(Duration.ofSeconds(8)) >= 0 && fromDate.compareTo(Duration.ofSeconds(11)) <= 0, fromDate.toString());
        assertEquals(null, ScalingoErrorMapper.parseRetryAfter("soon"));
        assertEquals(null, ScalingoErrorMapper.parseRetryAfter(null));
        ScalingoException e = MAPPER.fromReply(429, "Retry later", MediaType.TEXT_PLAIN_TYPE, "3");
        assertEquals(Optional.of(Duration.ofSeconds(3)), e.retryAfter());
    }

    @ParameterizedTest
    @CsvSource({ "400,false", "401,false", "402,false", "403,false", "404,false", "409,false", "422,false",
            "429,true", "500,true", "502,true", "503,true", "504,true", "0,true" })
    void permanentAndTransientAreTold(int status, boolean transientExpected) {
        ScalingoException e = status == 0 ? ScalingoException.transport("op", new java.io.IOException("reset"))
                : ScalingoException.reply(status, "x");
        assertEquals(transientExpected, e.isTransient());
        assertEquals(!transientExpected, e.isPermanent());
    }
}
