package io.domainautomation.scalingo;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The types mirror Scalingo's JSON: lenient on what comes in, exact on what goes out. */
class ScalingoTypesTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @Test
    void unknownFieldsAndUnknownStatusesAreKeptNotFatal() throws Exception {
        Domain d = json.readValue("""
                {"id":"d1","name":"example.com","ssl":false,"canonical":false,"letsencrypt_enabled":true,
                 "letsencrypt":false,"letsencrypt_status":"brand_new_state","some_future_field":{"x":1}}
                """, Domain.class);
        assertEquals("brand_new_state", d.letsencryptStatus());
        assertEquals("example.com", d.name());
    }

    @Test
    void missingOptionalFieldsAreNull() throws Exception {
        Domain d = json.readValue("{\"id\":\"d1\",\"name\":\"example.com\"}", Domain.class);
        assertNull(d.ssl());
        assertNull(d.validity());
        assertFalse(d.isCanonical());
        assertFalse(d.hasCustomCertificate());
    }

    @Test
    void acmeDnsErrorIsReadAsObjectOrString() throws Exception {
        Domain asObject = json.readValue("{\"id\":\"d\",\"acme_dns_error\":{\"dns_provider\":\"ovh\",\"variables\":[\"A\"]}}", Domain.class);
        Domain asString = json.readValue("{\"id\":\"d\",\"acme_dns_error\":\"no provider\"}", Domain.class);
        assertEquals("ovh", asObject.acmeDnsError().get("dns_provider").asText());
        assertEquals("no provider", asString.acmeDnsError().asText());
    }

    @Test
    void theValidityOfTheReferenceExampleIsParsed() throws Exception {
        Domain d = json.readValue("{\"id\":\"d\",\"validity\":\"2015-08-05T19:57:21.000+02:00\"}", Domain.class);
        assertEquals("2015-08-05T17:57:21Z", d.validity().toInstant().toString());
    }

    @Test
    void absentFieldsAreOmittedFromRequestsNeverNull() throws Exception {
        JsonNode link = json.valueToTree(new Envelopes.DomainWrite(DomainChanges.link("example.com", null, null)));
        assertEquals("{\"domain\":{\"name\":\"example.com\"}}", link.toString());
        JsonNode canonical = json.valueToTree(new Envelopes.DomainWrite(DomainChanges.canonical(true)));
        assertEquals("{\"domain\":{\"canonical\":true}}", canonical.toString());
        JsonNode noLetsEncrypt = json.valueToTree(new Envelopes.DomainWrite(DomainChanges.link("a.example.com", null, false)));
        assertEquals("{\"domain\":{\"name\":\"a.example.com\",\"letsencrypt_enabled\":false}}", noLetsEncrypt.toString());
        JsonNode removal = json.valueToTree(new Envelopes.DomainWrite(DomainChanges.removeCertificate()));
        assertEquals("{\"domain\":{\"tlscert\":\"\",\"tlskey\":\"\"}}", removal.toString());
    }

    @Test
    void toStringNeverPrintsKeyMaterial() {
        String pemKey = io.domainautomation.testsupport.TestCertificates.pkcs8(
                io.domainautomation.testsupport.TestCertificates.ec("secp256r1").getPrivate());
        String keyLine = pemKey.split("\n")[1];
        String printed = DomainChanges.certificate("cert", pemKey).toString();
        assertFalse(printed.contains(keyLine), printed);
        assertFalse(printed.contains("PRIVATE"), printed);
        assertTrue(printed.contains("<redacted>"));
        assertFalse(new Envelopes.TokenExchange("eyJhbGciOi.secret.sig").toString().contains("secret"));
    }
}
