package dev.sessionfeed.testkit;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.SessionChangeSource;
import java.util.Objects;

/**
 * A source that records what another one reports before the feed hears it ({@link RecordingChangeListener#tap}).
 * Thread-safety: that of the wrapped source; the recorder is thread-safe.
 */
final class TappedChangeSource implements SessionChangeSource {

    private final SessionChangeSource source;
    private final RecordingChangeListener recorder;

    TappedChangeSource(SessionChangeSource source, RecordingChangeListener recorder) {
        this.source = Objects.requireNonNull(source, "source");
        this.recorder = recorder;
    }

    @Override
    public void start(ChangeListener feed) {
        Objects.requireNonNull(feed, "feed");
        source.start(new ChangeListener() {
            @Override
            public void onChange(ChangeSignal signal) {
                recorder.record(new RecordingChangeListener.Event(RecordingChangeListener.Kind.CHANGE, signal, null, null));
                feed.onChange(signal);
            }

            @Override
            public void onResync(String reason) {
                recorder.record(new RecordingChangeListener.Event(RecordingChangeListener.Kind.RESYNC, null, null, reason));
                feed.onResync(reason);
            }

            @Override
            public void onStatus(FeedStatus status, String reason) {
                recorder.record(new RecordingChangeListener.Event(RecordingChangeListener.Kind.STATUS, null, status, reason));
                feed.onStatus(status, reason);
            }
        });
    }

    @Override
    public FeedStatus status() {
        return source.status();
    }

    @Override
    public void close() {
        source.close();
    }
}
