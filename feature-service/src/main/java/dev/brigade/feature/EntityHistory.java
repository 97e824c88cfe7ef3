package dev.brigade.feature;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** An entity's recent events in ascending time order (ties by event id, so replays give the same order). */
public record EntityHistory(List<PastEvent> events) {

    private static final Comparator<PastEvent> ORDER = Comparator.comparing(PastEvent::time)
            .thenComparing(PastEvent::eventId);

    public EntityHistory {
        events = List.copyOf(events);
    }

    public boolean contains(String eventId) {
        // Newest first: a redelivered event is usually recent. A plain loop: this runs for every event.
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).eventId().equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    public Optional<Instant> newest() {
        return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1).time());
    }

    /** The history with the event in its time-ordered place, without the events before {@code cutoff}. */
    public EntityHistory with(PastEvent event, Instant cutoff) {
        List<PastEvent> next = new ArrayList<>(events.size() + 1);
        for (PastEvent e : events) {
            if (!e.time().isBefore(cutoff)) {
                next.add(e);
            }
        }
        int at = next.size();
        while (at > 0 && ORDER.compare(next.get(at - 1), event) > 0) {
            at--;
        }
        next.add(at, event);
        return new EntityHistory(next);
    }
}
