package io.domainautomation.logic.rotation;

/** What the in-memory worlds need of this package that CDI builds when deployed. */
public final class TestAccess {

    private TestAccess() {
    }

    public static RotationAnnouncements announcements(DeploymentLedger ledger) {
        return new RotationAnnouncements(ledger);
    }
}
