package dev.sessionfeed.pg;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a source reports, in order. Thread-safe. */
final class RecordingListener implements ChangeListener {

    /** One reported event. */
    record Event(ChangeSignal signal, String resync, FeedStatus status, String reason) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void onChange(ChangeSignal signal) {
        events.add(new Event(signal, null, null, null));
    }

    @Override
    public void onResync(String reason) {
        events.add(new Event(null, reason, null, null));
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        events.add(new Event(null, null, status, reason));
    }

    List<ChangeSignal> signals() {
        return events.stream().filter(e -> e.signal() != null).map(Event::signal).toList();
    }

    List<String> resyncs() {
        return events.stream().filter(e -> e.resync() != null).map(Event::resync).toList();
    }

    List<FeedStatus> statuses() {
        return events.stream().filter(e -> e.status() != null).map(Event::status).toList();
    }

    boolean sawSignalFor(String id) {
        return signals().stream().anyMatch(s -> id.equals(s.sessionId()));
    }
}
