package io.domainautomation.logic.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnameMatchTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
            "example.com,example.com,true",
            "EXAMPLE.com,example.COM,true",
            "*.example.com,a.example.com,true",
            "*.example.com,example.com,false",
            "*.example.com,a.b.example.com,false",
            "*.example.com,a.example.org,false",
            "*.example.com,*.example.com,true",
            "a.example.com,*.example.com,false",
            "*.*.example.com,a.b.example.com,false",
            "a*.example.com,ab.example.com,false",
            "www.example.com,example.com,false" })
    void rfc6125Rules(String pattern, String hostname, boolean covered) {
        assertEquals(covered, HostnameMatch.covers(pattern, hostname));
    }
}
