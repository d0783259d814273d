package io.domainautomation.fakes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.ownership.OwnershipProofs;
import io.domainautomation.logic.ownership.ProofRecord;

/** The proofs of ownership in memory, with {@code aws.DynamoDbOwnershipProofs}' condition (the version before). */
public final class InMemoryOwnershipProofs implements OwnershipProofs {

    private final Map<String, ProofRecord> records = new HashMap<>();
    private Faults faults = Faults.NONE;
    private int writes;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized Optional<ProofRecord> read(String appId, String domain) {
        faults.before("proofs.read");
        return Optional.ofNullable(records.get(appId + " " + domain));
    }

    @Override
    public synchronized boolean write(ProofRecord next) {
        faults.before("proofs.write");
        String key = next.appId() + " " + next.domain();
        ProofRecord now = records.get(key);
        long version = now == null ? 0 : now.version();
        if (version != next.version() - 1) {
            return false;
        }
        records.put(key, next);
        writes++;
        faults.after("proofs.write");
        return true;
    }

    /** What is on record, read without faults: for the tests' and the simulator's checks. */
    public synchronized Optional<ProofRecord> stored(String appId, String domain) {
        return Optional.ofNullable(records.get(appId + " " + domain));
    }

    public synchronized int writes() {
        return writes;
    }
}
