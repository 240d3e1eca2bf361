package dev.sessionfeed.system;

import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A listener connection that freezes in the middle of a notification message (first byte received, the rest
 * never) must be detected like any half-open connection: within probe interval + deadline, not never.
 *
 * <p>Found by {@link ConvergencePropertyTest} (seed 4280698487462618038: a burst, then a NetCrusher freeze; the
 * listener stayed LIVE for 30 s). Cause: pgjdbc's {@code getNotifications(timeout)} sets the socket timeout to 0
 * (infinite) after the first byte of a message, so the rest of the message is awaited forever and the listener
 * thread never gets back to its probe deadline check.
 */
@SessionFeedPostgres
class ListenerMidMessageFreezeTest {

    @Test
    void freezeInsideANotificationIsDetected(TestDatabase db) throws Exception {
        db.installSchema();
        PgTriggerInstaller.defaults().install(db.dataSource());
        try (StallingProxy proxy = new StallingProxy(db.server().host(), db.server().port());
             PgNotifyChangeSource source = PgNotifyChangeSource
                     .builder("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.databaseName(), db.user(), db.password())
                     .probeInterval(Duration.ofSeconds(1)).probeDeadline(Duration.ofSeconds(1))
                     .noFallback().build()) {
            source.start(new ChangeListener() {
                @Override
                public void onChange(ChangeSignal signal) {
                }

                @Override
                public void onResync(String reason) {
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> source.status() == FeedStatus.LIVE);
            // Right after a probe came back, so the next bytes from the server are the notification.
            proxy.stallAfterOneByte();
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('mid-message')");
            try {
                await("the frozen listener connection noticed").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                        .until(() -> source.status() != FeedStatus.LIVE || source.stats().reconnects() > 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("still " + source.status() + " 15 s after the freeze; listener thread:\n" + listenerStack(), e);
            }
        }
    }

    private static String listenerStack() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().equals(PgNotifyChangeSource.THREAD_NAME)) {
                for (StackTraceElement e : stack) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }
}
