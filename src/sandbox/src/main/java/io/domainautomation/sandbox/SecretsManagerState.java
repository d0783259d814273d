package io.domainautomation.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.domainautomation.sandbox.SandboxRecords.SandboxSecret;
import io.domainautomation.sandbox.SandboxRecords.SecretVersion;

/**
 * Secrets Manager's secrets, by name, with their tags and versions; staging labels move between versions as Secrets
 * Manager moves them. Every method holds this object's monitor.
 */
final class SecretsManagerState {

    private final Clock systemClock;
    private volatile Clock clock;
    private final Map<String, SandboxSecret> secrets = new TreeMap<>();

    SecretsManagerState(Clock clock) {
        this.systemClock = clock;
        this.clock = clock;
    }

    /** Versions and deletions stamped by {@code clock} from now on (a simulation's); {@link #clear()} gives back the own. */
    void clock(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    synchronized void clear() {
        secrets.clear();
        clock = systemClock;
    }

    /** A stored secret's ARN (what events name), read without touching counters. */
    synchronized Optional<String> secretArn(String name) {
        return Optional.ofNullable(secrets.get(name)).map(SandboxSecret::arn);
    }

    /**
     * Creates the secret, or gives it these tags and a new AWSCURRENT version (fixtures and tests), restoring it if it
     * was scheduled for deletion.
     */
    synchronized void putSecret(String name, String secretString, Map<String, String> tags) {
        if (!secrets.containsKey(name)) {
            createSecret(name, secretString, tags);
            return;
        }
        SandboxSecret old = secrets.get(name);
        secrets.put(name, new SandboxSecret(old.arn(), name, Map.copyOf(tags), old.createdAt(), old.versions(), null));
        putSecretValue(name, secretString, List.of("AWSCURRENT"));
    }

    /** CreateSecret: a new secret with one AWSCURRENT version; empty if a secret of that name exists. */
    synchronized Optional<SandboxSecret> createSecret(String name, String secretString, Map<String, String> tags) {
        if (secrets.containsKey(name)) {
            return Optional.empty();
        }
        String arn = "arn:aws:secretsmanager:eu-west-3:000000000000:secret:" + name + "-"
                + SandboxState.newId().substring(0, 6);
        SandboxSecret created = new SandboxSecret(arn, name, Map.copyOf(tags), clock.instant(),
                List.of(new SecretVersion(SandboxState.newId(), secretString, List.of("AWSCURRENT"), clock.instant())), null);
        secrets.put(name, created);
        return Optional.of(created);
    }

    /** PutSecretValue: a new version with these labels (AWSCURRENT by default), taking them from older versions. */
    synchronized SecretVersion putSecretValue(String idOrArn, String secretString, List<String> stages) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        SecretVersion added = new SecretVersion(SandboxState.newId(), secretString, List.of(), clock.instant());
        List<SecretVersion> versions = new ArrayList<>(secret.versions());
        versions.add(added);
        store(secret, versions);
        for (String stage : stages.isEmpty() ? List.of("AWSCURRENT") : stages) {
            updateVersionStage(idOrArn, stage, added.versionId());
        }
        return secret(idOrArn).orElseThrow().version(added.versionId(), null).orElseThrow();
    }

    /** UntagResource: these tag keys removed. */
    synchronized void untagSecret(String idOrArn, List<String> keys) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        Map<String, String> kept = new HashMap<>(secret.tags());
        keys.forEach(kept::remove);
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), Map.copyOf(kept), secret.createdAt(),
                secret.versions(), secret.deletedAt()));
    }

    /** TagResource: adds or replaces these tags. */
    synchronized void tagSecret(String idOrArn, Map<String, String> tags) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        Map<String, String> merged = new HashMap<>(secret.tags());
        merged.putAll(tags);
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), Map.copyOf(merged), secret.createdAt(),
                secret.versions(), secret.deletedAt()));
    }

    /**
     * UpdateSecretVersionStage: the label moves to {@code moveTo} (removed from every other version). Moving
     * AWSCURRENT labels the version that had it AWSPREVIOUS, as Secrets Manager does.
     *
     * @return false when no version has that id
     */
    synchronized boolean updateVersionStage(String idOrArn, String stage, String moveTo) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        if (secret.version(moveTo, null).isEmpty()) {
            return false;
        }
        String previousCurrent = stage.equals("AWSCURRENT") ? secret.version(null, "AWSCURRENT").map(SecretVersion::versionId)
                .filter(id -> !id.equals(moveTo)).orElse(null) : null;
        List<SecretVersion> versions = new ArrayList<>();
        for (SecretVersion version : secret.versions()) {
            List<String> stages = new ArrayList<>(version.stages());
            stages.remove(stage);
            if (previousCurrent != null) {
                stages.remove("AWSPREVIOUS");
                if (version.versionId().equals(previousCurrent)) {
                    stages.add("AWSPREVIOUS");
                }
            }
            if (version.versionId().equals(moveTo)) {
                stages.add(stage);
            }
            versions.add(new SecretVersion(version.versionId(), version.secretString(), List.copyOf(stages),
                    version.createdAt()));
        }
        store(secret, versions);
        return true;
    }

    private void store(SandboxSecret secret, List<SecretVersion> versions) {
        // versions with no label are deprecated: Secrets Manager keeps a few, the sandbox none
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), secret.tags(), secret.createdAt(),
                versions.stream().filter(v -> !v.stages().isEmpty() || versions.indexOf(v) == versions.size() - 1).toList(),
                secret.deletedAt()));
    }

    /**
     * DeleteSecret: without recovery, the secret is gone at once; otherwise it is scheduled for deletion (kept, listed
     * no more, its value and metadata refused) until RestoreSecret. The sandbox never carries the deletion out.
     */
    synchronized void deleteSecret(String idOrArn, boolean withoutRecovery) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        if (withoutRecovery) {
            secrets.remove(secret.name());
            return;
        }
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), secret.tags(), secret.createdAt(),
                secret.versions(), clock.instant()));
    }

    /** RestoreSecret: a secret scheduled for deletion is an ordinary secret again. */
    synchronized void restoreSecret(String idOrArn) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), secret.tags(), secret.createdAt(),
                secret.versions(), null));
    }

    /** A secret by name or ARN, as the API accepts either. */
    synchronized Optional<SandboxSecret> secret(String idOrArn) {
        SandboxSecret byName = secrets.get(idOrArn);
        if (byName != null) {
            return Optional.of(byName);
        }
        return secrets.values().stream().filter(s -> s.arn().equals(idOrArn)).findFirst();
    }

    /** Every secret, by name. */
    synchronized List<SandboxSecret> secrets() {
        return new ArrayList<>(secrets.values());
    }
}
