package io.domainautomation.logic.rotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.Notice;

/**
 * Which of a run's notices are news: every rotation, and each state (rejected, conflict, expiring) the ledger has not
 * seen announced and published yet. A state is recorded as being announced before it is published and confirmed
 * after; a deployment is recorded before its announcement and marked announced after. A run that ends in between, or
 * could not publish, leaves them unconfirmed, and the next run announces them again under the same event ids. A ledger
 * that cannot answer lets the event through: a duplicate, which consumers drop on its id, rather than a loss.
 */
@ApplicationScoped
public class RotationAnnouncements {

    private final DeploymentLedger ledger;

    RotationAnnouncements(DeploymentLedger ledger) {
        this.ledger = ledger;
    }

    public List<Notice> news(RotationReport report) {
        List<Notice> news = new ArrayList<>();
        for (Notice notice : report.notices()) {
            if (!notice.oncePerChange()) {
                news.add(notice);
                continue;
            }
            try {
                if (ledger.announce(notice.app(), notice.domain(), notice.topic(), notice.state())) {
                    news.add(notice);
                }
            } catch (LedgerUnavailable e) {
                news.add(notice);
            }
        }
        return news;
    }

    /** What was published is confirmed in the ledger; what was not stays unconfirmed, for the next run. */
    public void confirm(RotationReport report, List<Notice> announced, List<DomainEvent> unpublished) {
        Set<String> failed = unpublished.stream().map(DomainEvent::eventId).collect(Collectors.toSet());
        for (Notice notice : announced) {
            String id = notice.event().eventId();
            if (failed.contains(id)) {
                continue;
            }
            try {
                if (notice.oncePerChange()) {
                    ledger.confirm(notice.app(), notice.domain(), notice.topic(), notice.state());
                } else if (report.unannounced().containsKey(id)) {
                    ledger.markAnnounced(report.unannounced().get(id));
                }
            } catch (LedgerUnavailable e) {
                // not confirmed: the next run announces it again, under the same id
            }
        }
    }
}
