package io.domainautomation.logic.events;

/**
 * An event and, for one that reports a state rather than an action (a certificate rejected, in conflict, expiring),
 * what makes it once per change: the state announced on a topic of a domain. A run that finds the same state again
 * announces nothing; a new state is a new announcement. {@code topic} null: published every time it happens.
 */
public record Notice(DomainEvent event, String app, String domain, String topic, String state) {

    public static Notice always(DomainEvent event, String app, String domain) {
        return new Notice(event, app, domain, null, null);
    }

    public boolean oncePerChange() {
        return topic != null;
    }
}
