package io.domainautomation.logic.port;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Scalingo app. {@code baseUrl} is the platform address a custom domain's CNAME should point to. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record App(
        String id,
        String name,
        String url,
        @JsonProperty("base_url") String baseUrl,
        String status,
        @JsonProperty("created_at") OffsetDateTime createdAt) {
}
