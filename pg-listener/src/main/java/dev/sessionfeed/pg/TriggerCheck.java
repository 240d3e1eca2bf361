package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.pg.PgTriggerInstaller.InstallState;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Is the trigger that sends this source its notifications in place? Without it LISTEN works, the probes come back,
 * and no change ever arrives: the status would say {@code live} while the dashboard goes stale. Checked on the
 * listener connection after every (re)connect and then with every queue check ({@code queueCheckInterval}, default
 * 10 s), through {@link PgTriggerInstaller#check(java.sql.Connection)} (two catalog queries per configuration).
 *
 * <p>The trigger is in place when one of the {@linkplain #of accepted configurations} is
 * {@link InstallState#CURRENT}: by default the default trigger for the source's table and channel in either mode.
 * {@link InstallState#ABSENT} and {@link InstallState#OUTDATED} are problems, named by a fixed sentence for the
 * status; a change of state is logged once: ERROR when a problem is found, INFO when it is gone.
 *
 * <p>Threading: confined to the listener thread (it remembers the last state to log each change once).
 */
final class TriggerCheck {

    /** The status reason while no trigger is installed. */
    static final String MISSING = "change trigger missing on the sessions table";
    /** The status reason while another version or configuration of the trigger is installed. */
    static final String OUTDATED = "change trigger outdated (another version or configuration)";

    private final List<PgTriggerInstaller> accepted;
    private final String table;
    private String lastProblem;

    private TriggerCheck(List<PgTriggerInstaller> accepted, String table) {
        this.accepted = accepted;
        this.table = table;
    }

    /**
     * A check accepting any of {@code accepted}; none means no check (always in place).
     *
     * @param accepted the installer configurations whose trigger counts as in place
     * @param table    the table, for the log
     */
    static TriggerCheck of(List<PgTriggerInstaller> accepted, String table) {
        return new TriggerCheck(List.copyOf(accepted), table);
    }

    /**
     * Checks the trigger on {@code c}.
     *
     * @return null when it is in place, else {@link #MISSING} or {@link #OUTDATED}
     * @throws SQLException when the connection fails (the listener reconnects)
     */
    String check(ListenerConnection c) throws SQLException {
        if (accepted.isEmpty()) {
            return null;
        }
        boolean anyInstalled = false;
        for (PgTriggerInstaller installer : accepted) {
            InstallState state;
            try {
                state = c.triggerState(installer);
            } catch (SessionFeedException e) {
                if (e.getCause() instanceof SQLException) {
                    throw (SQLException) e.getCause();
                }
                throw e;
            }
            if (state == InstallState.CURRENT) {
                return changed(null);
            }
            anyInstalled |= state != InstallState.ABSENT;
        }
        return changed(anyInstalled ? OUTDATED : MISSING);
    }

    private String changed(String problem) {
        if (!Objects.equals(problem, lastProblem)) {
            if (problem != null) {
                LOG.error("The SessionFeed trigger on {} is {}: no notification may arrive, so changes reach the dashboards only "
                        + "through the polling fallback (if any) and the status is not live until it is installed; run "
                        + "PgTriggerInstaller.install or the shipped sessionfeed/pg/trigger-*.sql (expected one of: {})", table,
                        problem == MISSING ? "missing" : "outdated (installed by another version or configuration)", accepted);
            } else if (lastProblem != null) {
                LOG.info("The SessionFeed trigger on {} is in place again: listening, fallback suspended", table);
            }
            lastProblem = problem;
        }
        return problem;
    }
}
