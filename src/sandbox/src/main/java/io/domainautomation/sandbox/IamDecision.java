package io.domainautomation.sandbox;

/** One IAM decision of the sandbox: which function made which call on which resource, and whether it was allowed. */
public record IamDecision(String export, String action, String resource, boolean allowed) {
}
