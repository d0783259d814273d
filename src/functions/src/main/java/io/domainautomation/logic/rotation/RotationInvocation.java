package io.domainautomation.logic.rotation;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.Notice;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.EventSink;

/**
 * One invocation of the rotation, on its ports: the run ({@link CertificateRotation}), then its news announced
 * ({@link RotationAnnouncements}: recorded, published, confirmed), in that order, so that what a run changed is
 * announced by it or, if it ends first, by the next run under the same event ids.
 */
@ApplicationScoped
public class RotationInvocation {

    /** The run's report, and which of its announcements could not be published. */
    public record Result(RotationReport report, List<DomainEvent> announced, List<DomainEvent> unpublished) {
    }

    private final CertificateRotation rotation;
    private final RotationAnnouncements announcements;
    private final EventSink events;

    public RotationInvocation(CertificateRotation rotation, RotationAnnouncements announcements, EventSink events) {
        this.rotation = rotation;
        this.announcements = announcements;
        this.events = events;
    }

    public Result run(RotationScope trigger, Duration budget, Deadline deadline) {
        RotationReport report = rotation.run(trigger, budget, deadline);
        List<Notice> news = announcements.news(report);
        List<DomainEvent> announced = news.stream().map(Notice::event).toList();
        List<DomainEvent> unpublished = announced.isEmpty() ? List.of() : events.publish(announced, deadline);
        announcements.confirm(report, news, unpublished);
        return new Result(report, announced, unpublished);
    }
}
