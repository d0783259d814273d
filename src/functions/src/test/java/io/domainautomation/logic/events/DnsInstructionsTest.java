package io.domainautomation.logic.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.domainautomation.logic.port.Domain;

/** What the customer is told to set in DNS, for each kind of name. */
class DnsInstructionsTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";

    private static Domain domain(String name, String acmeFqdn, String acmeValue) {
        return new Domain("id", "app-id", name, null, null, null, false, null, null, false, true, false,
                acmeFqdn == null ? "pending_dns" : "dns_required", acmeFqdn, acmeValue,
                acmeFqdn == null ? null : JsonNodeFactory.instance.objectNode().put("message", "TXT record not found"), null);
    }

    @Test
    void aSubdomainGetsACnameToTheAppsHost() {
        Map<String, Object> dns = DnsInstructions.of(domain("www.shop.example", null, null), HOST);
        assertEquals("subdomain", dns.get("kind"));
        assertEquals(List.of(Map.of("type", "CNAME", "name", "www.shop.example", "value", HOST)), dns.get("records"));
    }

    @Test
    void anApexGetsAnAliasWithTheCaveat() {
        Map<String, Object> dns = DnsInstructions.of(domain("shop.example", null, null), HOST);
        assertEquals("apex", dns.get("kind"));
        assertEquals(List.of(Map.of("type", "ALIAS", "name", "shop.example", "value", HOST)), dns.get("records"));
        assertTrue(((String) dns.get("note")).contains("cannot have a CNAME"));
    }

    @Test
    void aWildcardWithLetsEncryptGetsTheDns01Record() {
        Map<String, Object> dns = DnsInstructions.of(domain("*.shop.example", "_acme-challenge.shop.example", "tXtVaLuE"), HOST);
        assertEquals("wildcard", dns.get("kind"));
        assertEquals(List.of(Map.of("type", "CNAME", "name", "*.shop.example", "value", HOST),
                Map.of("type", "TXT", "name", "_acme-challenge.shop.example", "value", "tXtVaLuE")), dns.get("records"));
        assertTrue(((String) dns.get("acmeDnsError")).contains("TXT record not found"));
    }

    @Test
    void theAppsHostFollowsTheRegionalApi() {
        assertEquals("shop.osc-secnum-fr1.scalingo.io",
                DnsInstructions.appHost("shop", "https://api.osc-secnum-fr1.scalingo.com", Optional.empty()));
        assertEquals("shop.osc-fr1.scalingo.io", DnsInstructions.appHost("shop", "http://localhost:8090", Optional.empty()));
        assertEquals("shop.example.net", DnsInstructions.appHost("shop", "https://api.osc-fr1.scalingo.com", Optional.of("example.net")));
    }
}
