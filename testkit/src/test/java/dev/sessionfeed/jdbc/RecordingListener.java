package dev.sessionfeed.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records what a change source reports, in order, as strings like {@code resync:polling started}. */
final class RecordingListener implements ChangeListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onChange(ChangeSignal signal) {
        events.add("change:" + signal.action() + ":" + signal.sessionId());
    }

    @Override
    public void onResync(String reason) {
        events.add("resync:" + reason);
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        events.add("status:" + status + ":" + reason);
    }

    long resyncs() {
        return events.stream().filter(e -> e.startsWith("resync:")).count();
    }

    List<String> statuses() {
        return events.stream().filter(e -> e.startsWith("status:")).collect(Collectors.toList());
    }

    String last() {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }
}
