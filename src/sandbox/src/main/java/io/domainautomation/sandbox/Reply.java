package io.domainautomation.sandbox;

import java.util.Map;

/** One HTTP reply of the sandbox. {@link #DROP} closes the connection without answering. */
record Reply(int status, String contentType, String body, Map<String, String> headers) {

    static final Reply DROP = new Reply(-1, null, null, Map.of());
    static final String JSON = "application/json; charset=utf-8";

    static Reply json(int status, String body) {
        return new Reply(status, JSON, body, Map.of());
    }

    static Reply empty(int status) {
        return new Reply(status, null, null, Map.of());
    }

    static Reply text(int status, String body) {
        return new Reply(status, "text/plain; charset=utf-8", body, Map.of());
    }
}
