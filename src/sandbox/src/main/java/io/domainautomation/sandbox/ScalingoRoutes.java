package io.domainautomation.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import io.domainautomation.sandbox.SandboxRecords.LoggedRequest;
import io.domainautomation.sandbox.SandboxRecords.SandboxApp;
import io.domainautomation.sandbox.SandboxRecords.SandboxDomain;

/** The auth host and the regional API, reply for reply as the Domains reference and Scalingo's clients show them. */
final class ScalingoRoutes {

    private static final DateTimeFormatter SCALINGO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final Pattern HOSTNAME = Pattern
            .compile("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$");

    private final ScalingoState scalingo;
    private final ScalingoAuthState auth;
    private final SandboxFaults faults;
    private final SandboxCounters counters;
    private final ObjectMapper json;

    ScalingoRoutes(ScalingoState scalingo, ScalingoAuthState auth, SandboxFaults faults, SandboxCounters counters,
            ObjectMapper json) {
        this.scalingo = scalingo;
        this.auth = auth;
        this.faults = faults;
        this.counters = counters;
        this.json = json;
    }

    Reply handle(HttpExchange exchange, String body) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.replaceAll("/+$", "").split("/");
        String operation = operation(method, parts);
        Reply reply = route(exchange, method, parts, operation, body);
        counters.log(new LoggedRequest(scalingo.now(), method, path, operation, reply.status()));
        return reply;
    }

    private Reply route(HttpExchange exchange, String method, String[] parts, String operation, String body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (operation.equals("auth.exchange")) {
            return exchangeToken(authorization);
        }
        if (operation.equals("unknown")) {
            return Reply.json(404, "{\"error\":\"not found\"}");
        }
        Integer canned = faults.cannedStatus(operation);
        if (canned != null) {
            counters.count("fault." + operation);
            return Reply.json(canned, canned == 404 ? "{\"resource\":\"domain\",\"error\":\"not found\"}"
                    : "{\"error\":\"sandbox: canned reply\"}");
        }
        if (parts.length > 3 && appFails(parts[3])) {
            counters.count("fault." + operation);
            return serverError(503);
        }
        SandboxFaults.Fault drawn = drawFault();
        if (drawn != SandboxFaults.Fault.NONE) {
            counters.count("fault." + operation);
        }
        Reply fault = faultReply(drawn);
        if (fault != null) {
            return fault;
        }
        Reply reply = serve(authorization, parts, operation, body);
        return drawn == SandboxFaults.Fault.DROP_AFTER_APPLYING ? Reply.DROP : reply;
    }

    private Reply serve(String authorization, String[] parts, String operation, String body) {
        String bearer = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (bearer == null || !auth.bearerValid(bearer)) {
            counters.count("rejected.401");
            return Reply.json(401, "{\"error\":\"You are not authorized to do this operation\"}");
        }
        if (!auth.admit()) {
            counters.count("rejected.429");
            return Reply.text(429, "Retry later");
        }
        counters.count(operation);
        return switch (operation) {
            case "apps.list" -> listApps();
            case "apps.show" -> withApp(parts[3], app -> Reply.json(200, wrap("app", appJson(app))));
            case "domains.list" -> withApp(parts[3], this::listDomains);
            case "domains.show" -> withDomain(parts[3], parts[5], (app, d) -> Reply.json(200, wrap("domain", domainJson(d))));
            case "domains.link" -> withApp(parts[3], app -> link(app, body));
            case "domains.update" -> withDomain(parts[3], parts[5], (app, d) -> update(app, d, body));
            case "domains.unlink" -> withDomain(parts[3], parts[5], (app, d) -> {
                if (d.stillCnamed) {
                    // Scalingo's documented answer for a domain still CNAME-ed to the app: a 404, like a missing one
                    return Reply.json(404, "{\"resource\":\"domain\",\"error\":\"not found\"}");
                }
                scalingo.removeDomain(app, d.id);
                return Reply.empty(204);
            });
            default -> Reply.json(405, "{\"error\":\"method not allowed\"}");
        };
    }

    static String operation(String method, String[] parts) {
        // parts: "", "v1", "apps", app, "domains", id
        if (parts.length == 4 && parts[1].equals("v1") && parts[2].equals("tokens") && parts[3].equals("exchange")
                && method.equals("POST")) {
            return "auth.exchange";
        }
        if (parts.length < 3 || !parts[1].equals("v1") || !parts[2].equals("apps")) {
            return "unknown";
        }
        if (parts.length == 3) {
            return method.equals("GET") ? "apps.list" : "method";
        }
        if (parts.length == 4) {
            return method.equals("GET") ? "apps.show" : "method";
        }
        if (!parts[4].equals("domains") || parts.length > 6) {
            return "unknown";
        }
        if (parts.length == 5) {
            return switch (method) {
                case "GET" -> "domains.list";
                case "POST" -> "domains.link";
                default -> "method";
            };
        }
        return switch (method) {
            case "GET" -> "domains.show";
            case "PATCH" -> "domains.update";
            case "DELETE" -> "domains.unlink";
            default -> "method";
        };
    }

    private SandboxFaults.Fault drawFault() {
        long latency = faults.latencyMillis();
        if (latency > 0) {
            sleep(latency);
        }
        return faults.draw();
    }

    private Reply faultReply(SandboxFaults.Fault fault) {
        return switch (fault) {
            case NONE, DROP_AFTER_APPLYING -> null;
            case RATE_LIMITED -> new Reply(429, Reply.JSON, "{\"error\":\"rate limit exceeded\",\"code\":\"rate_limited\"}",
                    faults.retryAfterSeconds() == null ? java.util.Map.of()
                            : java.util.Map.of("Retry-After", String.valueOf(faults.retryAfterSeconds())));
            case ERROR_500 -> serverError(500);
            case ERROR_503 -> serverError(503);
            case DROP -> Reply.DROP;
            case SLOW -> {
                sleep(faults.slowMillis());
                yield serverError(503);
            }
        };
    }

    private Reply serverError(int status) {
        String html = faults.htmlErrorBody();
        if (html != null) {
            return new Reply(status, "text/html; charset=utf-8", html, java.util.Map.of());
        }
        return Reply.json(status, "{\"error\":\"" + (status == 503 ? "service unavailable, retry later" : "internal error") + "\"}");
    }

    private Reply exchangeToken(String authorization) {
        counters.count("auth.exchange");
        String token = null;
        if (authorization != null && authorization.startsWith("Basic ")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                token = colon < 0 ? null : decoded.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                token = null;
            }
        }
        if (token == null || !auth.knowsApiToken(token)) {
            return Reply.json(401, "{\"error\":\"invalid token\"}");
        }
        return Reply.json(200, "{\"token\":\"" + auth.issueBearer() + "\"}");
    }

    private Reply listApps() {
        ArrayNode apps = json.createArrayNode();
        scalingo.apps().forEach(app -> apps.add(appJson(app)));
        ObjectNode root = json.createObjectNode();
        root.set("apps", apps);
        return Reply.json(200, root.toString());
    }

    private Reply listDomains(SandboxApp app) {
        ArrayNode list = json.createArrayNode();
        scalingo.domains(app).forEach(d -> list.add(domainJson(d)));
        ObjectNode root = json.createObjectNode();
        root.set("domains", list);
        return Reply.json(200, root.toString());
    }

    private Reply link(SandboxApp app, String body) {
        JsonNode fields = domainFields(body);
        if (fields == null) {
            return badJson();
        }
        String name = fields.path("name").asText("").trim().toLowerCase();
        if (name.isEmpty()) {
            return unprocessable("name", "can't be blank");
        }
        if (!HOSTNAME.matcher(name).matches() || name.length() > 253) {
            return unprocessable("name", "is invalid");
        }
        if (name.endsWith(".scalingo.io")) {
            return unprocessable("name", "cannot be a subdomain of scalingo.io");
        }
        Optional<Certificate> certificate;
        try {
            certificate = certificate(fields);
        } catch (Unprocessable e) {
            return e.reply;
        }
        // One check-and-insert, like the platform's uniqueness constraint: concurrent links of a name cannot both win.
        synchronized (scalingo) {
            if (scalingo.domainNamed(name).isPresent()) {
                return unprocessable("name", "has already been taken");
            }
            Collection<SandboxDomain> existing = scalingo.domains(app);
            if (existing.size() >= ScalingoState.DOMAIN_LIMIT) {
                return unprocessable("app", "has reached the limit of " + ScalingoState.DOMAIN_LIMIT + " custom domains");
            }
            SandboxDomain domain = scalingo.putDomain(app, name, scalingo.now());
            certificate.ifPresent(c -> c.applyTo(domain));
            domain.letsencryptEnabled = !fields.has("letsencrypt_enabled") || fields.get("letsencrypt_enabled").asBoolean(true);
            if (domain.letsencryptEnabled) {
                domain.letsencryptStatus = name.startsWith("*.") ? "dns_required" : "new";
                if (name.startsWith("*.")) {
                    domain.acmeDnsFqdn = "_acme-challenge." + name.substring(2);
                    domain.acmeDnsValue = SandboxState.newId();
                }
            }
            if (fields.path("canonical").asBoolean(false)) {
                scalingo.makeCanonical(app, domain);
            }
            return Reply.json(201, wrap("domain", domainJson(domain)));
        }
    }

    private Reply update(SandboxApp app, SandboxDomain domain, String body) {
        JsonNode fields = domainFields(body);
        if (fields == null) {
            return badJson();
        }
        boolean removesCertificate = fields.path("tlscert").isTextual() && fields.path("tlscert").asText().isEmpty()
                && fields.path("tlskey").isTextual() && fields.path("tlskey").asText().isEmpty();
        Optional<Certificate> certificate = Optional.empty();
        if (!removesCertificate) {
            try {
                certificate = certificate(fields);
            } catch (Unprocessable e) {
                return e.reply;
            }
        }
        if (removesCertificate) {
            domain.tlscertSubject = null;
            domain.tlskeyDescription = null;
            domain.validity = null;
        }
        certificate.ifPresent(c -> c.applyTo(domain));
        if (fields.has("letsencrypt_enabled")) {
            domain.letsencryptEnabled = fields.get("letsencrypt_enabled").asBoolean();
        }
        if (fields.has("canonical")) {
            if (fields.get("canonical").asBoolean()) {
                scalingo.makeCanonical(app, domain);
            } else {
                domain.canonical = false;
            }
        }
        return Reply.json(200, wrap("domain", domainJson(domain)));
    }

    private record Certificate(String subject, String keyDescription, Instant notAfter) {
        void applyTo(SandboxDomain domain) {
            domain.tlscertSubject = subject;
            domain.tlskeyDescription = keyDescription;
            domain.validity = notAfter;
        }
    }

    /** A failing app fails whether a request names it by its name or by its ID. */
    private boolean appFails(String nameOrId) {
        return faults.appFails(nameOrId) || scalingo.app(nameOrId)
                .map(app -> faults.appFails(app.name()) || faults.appFails(app.id())).orElse(false);
    }

    private static final class Unprocessable extends Exception {
        final Reply reply;

        Unprocessable(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    private Optional<Certificate> certificate(JsonNode fields) throws Unprocessable {
        boolean hasCert = fields.hasNonNull("tlscert") && !fields.get("tlscert").asText().isEmpty();
        boolean hasKey = fields.hasNonNull("tlskey") && !fields.get("tlskey").asText().isEmpty();
        if (!hasCert && !hasKey) {
            return Optional.empty();
        }
        if (!hasCert) {
            throw new Unprocessable(unprocessable("tlscert", "can't be blank when a key is given"));
        }
        if (!hasKey) {
            throw new Unprocessable(unprocessable("tlskey", "can't be blank when a certificate is given"));
        }
        X509Certificate leaf;
        try {
            leaf = SandboxPem.leaf(fields.get("tlscert").asText());
        } catch (SandboxPem.Refused e) {
            throw new Unprocessable(unprocessable("tlscert", "is invalid: " + e.getMessage()));
        }
        PrivateKey key;
        try {
            key = SandboxPem.privateKey(fields.get("tlskey").asText());
        } catch (SandboxPem.Refused e) {
            throw new Unprocessable(unprocessable("tlskey", "is invalid: " + e.getMessage()));
        }
        if (!SandboxPem.belongTogether(key, leaf.getPublicKey())) {
            throw new Unprocessable(unprocessable("tlskey", "does not match the certificate"));
        }
        return Optional.of(new Certificate(SandboxPem.subject(leaf), SandboxPem.keyDescription(key),
                leaf.getNotAfter().toInstant()));
    }

    private JsonNode domainFields(String body) {
        JsonNode root = SandboxServer.parseOrNull(json, body);
        if (root == null || !root.isObject() || !root.path("domain").isObject()) {
            return null;
        }
        return root.get("domain");
    }

    private ObjectNode appJson(SandboxApp app) {
        ObjectNode node = json.createObjectNode();
        node.put("id", app.id());
        node.put("name", app.name());
        node.put("created_at", SCALINGO_TIME.format(app.createdAt()));
        String baseUrl = app.baseUrl(scalingo.region());
        String canonical = scalingo.domains(app).stream().filter(d -> d.canonical).map(d -> "https://" + d.name)
                .findFirst().orElse(baseUrl);
        node.put("url", canonical);
        node.put("base_url", baseUrl);
        node.put("status", "running");
        node.put("region", scalingo.region());
        return node;
    }

    ObjectNode domainJson(SandboxDomain d) {
        ObjectNode node = json.createObjectNode();
        node.put("id", d.id);
        node.put("name", d.name);
        node.put("ssl", d.ssl());
        if (d.ssl()) {
            node.put("tlscert", d.tlscertSubject);
            node.put("tlskey", d.tlskeyDescription);
            node.put("validity", SCALINGO_TIME.format(d.validity));
            node.put("ssl_status", "success");
        }
        node.put("canonical", d.canonical);
        node.put("letsencrypt_enabled", d.letsencryptEnabled);
        node.put("letsencrypt", !d.ssl() && "created".equals(d.letsencryptStatus));
        if (!d.ssl() && d.letsencryptValidity != null) {
            node.put("validity", SCALINGO_TIME.format(d.letsencryptValidity));
        }
        if (d.letsencryptStatus != null) {
            node.put("letsencrypt_status", d.letsencryptStatus);
        }
        if (d.acmeDnsFqdn != null) {
            node.put("acme_dns_fqdn", d.acmeDnsFqdn);
            node.put("acme_dns_value", d.acmeDnsValue);
            node.set("acme_dns_error", json.createObjectNode());
        }
        node.put("app_id", d.appId);
        node.put("created_at", SCALINGO_TIME.format(d.createdAt));
        return node;
    }

    private Reply withApp(String idOrName, java.util.function.Function<SandboxApp, Reply> action) {
        return scalingo.app(idOrName).map(action)
                .orElseGet(() -> Reply.json(404, "{\"resource\":\"app\",\"error\":\"not found\"}"));
    }

    private Reply withDomain(String appIdOrName, String domainId,
            java.util.function.BiFunction<SandboxApp, SandboxDomain, Reply> action) {
        return withApp(appIdOrName, app -> scalingo.domain(app, domainId).map(d -> action.apply(app, d))
                .orElseGet(() -> Reply.json(404, "{\"resource\":\"domain\",\"error\":\"not found\"}")));
    }

    private String wrap(String key, ObjectNode value) {
        ObjectNode root = json.createObjectNode();
        root.set(key, value);
        return root.toString();
    }

    private Reply unprocessable(String field, String message) {
        ObjectNode errors = json.createObjectNode();
        errors.putArray(field).add(message);
        ObjectNode root = json.createObjectNode();
        root.set("errors", errors);
        return Reply.json(422, root.toString());
    }

    private static Reply badJson() {
        return Reply.json(400, "{\"error\":\"There was a problem in the JSON you submitted: expected {\\\"domain\\\": {...}}\"}");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
