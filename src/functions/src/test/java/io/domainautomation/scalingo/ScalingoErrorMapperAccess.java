package io.domainautomation.scalingo;

import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.port.ScalingoException;

/** Lets tests outside this package feed replies to the error mapper. */
public final class ScalingoErrorMapperAccess {
    private ScalingoErrorMapperAccess() {
    }

    public static ScalingoException fromReply(int status, String body, MediaType mediaType) {
        return new ScalingoErrorMapper(new ObjectMapper()).fromReply(status, body, mediaType, null);
    }
}
