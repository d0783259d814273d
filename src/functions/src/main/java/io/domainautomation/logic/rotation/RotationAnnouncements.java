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
 * seen announced yet. An announcement that could not be published is withdrawn, so the next run makes it again under
 * the same event id. A ledger that cannot answer lets the event through: a duplicate, which consumers drop on its id,
 * rather than a loss.
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

    public void withdraw(List<Notice> announced, List<DomainEvent> unpublished) {
        Set<String> ids = unpublished.stream().map(DomainEvent::eventId).collect(Collectors.toSet());
        for (Notice notice : announced) {
            if (notice.oncePerChange() && ids.contains(notice.event().eventId())) {
                try {
                    ledger.withdraw(notice.app(), notice.domain(), notice.topic(), notice.state());
                } catch (LedgerUnavailable e) {
                    // the next run will not announce it again; the log holds it (EventDelivery)
                }
            }
        }
    }
}
