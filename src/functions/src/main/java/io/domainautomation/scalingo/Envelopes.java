package io.domainautomation.scalingo;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;

/** The JSON wrappers Scalingo puts around its resources: {@code {"domain": {...}}}, {@code {"apps": [...]}}, ... */
public final class Envelopes {
    private Envelopes() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DomainEnvelope(Domain domain) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DomainList(List<Domain> domains) {
    }

    public record DomainWrite(DomainChanges domain) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AppEnvelope(App app) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AppList(List<App> apps, Meta meta) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Meta(Pagination pagination) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pagination(
            @JsonProperty("prev_page") Integer prevPage,
            @JsonProperty("current_page") Integer currentPage,
            @JsonProperty("next_page") Integer nextPage,
            @JsonProperty("total_pages") Integer totalPages,
            @JsonProperty("total_count") Integer totalCount) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenExchange(String token) {
        @Override
        public String toString() {
            return "TokenExchange[token=<redacted>]";
        }
    }
}
