package io.domainautomation.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.sandbox.SandboxDns;

/**
 * CAA lookups through dnsjava against a real UDP DNS server (RFC 8659's climb to the closest name with records), and
 * the scripted fake answering the same way.
 */
class DnsCaaTest {

    private static SandboxDns server;
    private DnsProbe probe;

    @BeforeAll
    static void start() throws Exception {
        server = new SandboxDns(0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void probe() {
        server.clear();
        probe = new DnsProbe(new DnsConfig() {
            @Override
            public Optional<String> resolver() {
                return Optional.of("127.0.0.1:" + server.port());
            }

            @Override
            public Duration timeout() {
                return Duration.ofMillis(500);
            }
        });
    }

    private static void script(Object dns) {
        if (dns instanceof ScriptedDns scripted) {
            scripted.caa("acme.example", List.of("digicert.com"), List.of("sectigo.com"));
            scripted.caa("open.acme.example", List.of("letsencrypt.org"), List.of());
        } else {
            server.caa("acme.example", "issue", "digicert.com; account=123").caa("acme.example", "issuewild", "sectigo.com")
                    .caa("acme.example", "iodef", "mailto:security@acme.example").caa("open.acme.example", "issue", "letsencrypt.org")
                    .address("www.acme.example", "192.0.2.1");
        }
    }

    private static void sameAnswers(DnsResolver dns) {
        assertEquals(new CaaAnswer(Optional.of("acme.example"), List.of("digicert.com"), List.of("sectigo.com"), false),
                dns.caa("www.acme.example"), "a name without CAA records is governed by its parent's");
        assertEquals(List.of("sectigo.com"), dns.caa("*.acme.example").issuers(true));
        assertEquals(new CaaAnswer(Optional.of("open.acme.example"), List.of("letsencrypt.org"), List.of(), false),
                dns.caa("deep.down.open.acme.example"), "the closest name with records decides");
        assertEquals(CaaAnswer.none(), dns.caa("www.other.example"), "none anywhere: any authority may issue");
    }

    @Test
    void theClosestNameWithCaaRecordsGovernsOverTheWire() {
        script(server);
        sameAnswers(probe);
    }

    @Test
    void theScriptedResolverAnswersAsTheRealOne() {
        ScriptedDns scripted = new ScriptedDns();
        script(scripted);
        sameAnswers(scripted);
    }

    /** A name that is an alias: the resolver follows it, a broken zone on the way fails the lookup (both resolvers). */
    @Test
    void aCnameIsFollowedAsTheResolverFollowsIt() {
        ScriptedDns scripted = new ScriptedDns().cname("www.acme.example", "edge.host.example").cname("shop.acme.example",
                "broken.host.example").failing("broken.host.example", true).caa("edge.host.example", List.of("digicert.com"),
                        List.of());
        server.cname("www.acme.example", "edge.host.example").cname("shop.acme.example", "broken.host.example")
                .failing("broken.host.example", true).caa("edge.host.example", "issue", "digicert.com");
        for (DnsResolver dns : List.<DnsResolver>of(scripted, probe)) {
            assertEquals(new CaaAnswer(Optional.of("www.acme.example"), List.of("digicert.com"), List.of(), false),
                    dns.caa("www.acme.example"), "the alias's target's records, found at the name asked");
            assertTrue(dns.caa("shop.acme.example").failed(), dns.toString());
        }
    }

    @Test
    void aResolverThatDoesNotAnswerIsAFailedLookup() {
        server.failEveryQuery(true);
        try {
            assertTrue(probe.caa("www.acme.example").failed());
        } finally {
            server.failEveryQuery(false);
        }
    }
}
