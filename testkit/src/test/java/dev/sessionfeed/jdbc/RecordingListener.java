package dev.sessionfeed.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.testkit.RecordingChangeListener;
import java.util.AbstractList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The string view PollingChangeSourceTest reads ({@code resync:polling started}) over testkit's
 * {@link RecordingChangeListener}, which does the recording. Kept until that test (owned by the pg-listener re-cut)
 * reads the recorder's {@code lines()} itself.
 */
final class RecordingListener implements ChangeListener {

    private final RecordingChangeListener recorder = new RecordingChangeListener();

    /** The events as strings, in order; a live, read-only view. */
    final List<String> events = new AbstractList<>() {
        @Override
        public String get(int index) {
            return recorder.events().get(index).toString();
        }

        @Override
        public int size() {
            return recorder.size();
        }
    };

    @Override
    public void onChange(ChangeSignal signal) {
        recorder.onChange(signal);
    }

    @Override
    public void onResync(String reason) {
        recorder.onResync(reason);
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        recorder.onStatus(status, reason);
    }

    long resyncs() {
        return recorder.resyncs().size();
    }

    List<String> statuses() {
        return recorder.lines().stream().filter(e -> e.startsWith("status:")).collect(Collectors.toList());
    }

    String last() {
        RecordingChangeListener.Event e = recorder.last();
        return e == null ? null : e.toString();
    }
}
