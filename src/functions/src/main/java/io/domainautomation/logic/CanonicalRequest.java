package io.domainautomation.logic;

/** What set-canonical is asked to do: make {@code domain} the canonical domain, linking it first if {@code link}. */
public record CanonicalRequest(Hostname domain, boolean link) {
}
