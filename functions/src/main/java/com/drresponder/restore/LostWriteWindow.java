package com.drresponder.restore;

import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.RestoreRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real restore's lost-write window, read from the data just before the switch (rename or configuration): for each
 * table of the request's {@code verify.maxUpdatedAt}, the source's newest value minus the copy's; the window is the
 * largest of them (never negative). Those writes are in the source and not in the copy: what the cut-over gives up.
 * The same read-only path as verification ({@link DatabaseVerifier#newest}): one {@code max()} per table and side,
 * no {@code count(*)} (with an index on the column it is one index probe on production).
 * <p>The source is often the broken database. When it (or the copy) cannot be read, nothing is measured and the
 * reading says why: the figures then fall back to the time-based bound. Nothing here throws for an unreadable
 * database, so the reading can never fail the cut-over.
 */
final class LostWriteWindow {
    /** Short: the cut-over waits for this reading. */
    static final int QUERY_TIMEOUT_SECONDS = 15;

    /** {@code seconds}: the window in whole seconds, rounded up (null unless measured); {@code detail}: what was read, or why nothing was. */
    record Reading(boolean measured, Long seconds, String detail) {}

    Reading measure(List<RestoreRequest.Freshness> columns, DatabaseVerifier.Connector connector) {
        if (columns.isEmpty()) {
            return new Reading(false, null, "verify.maxUpdatedAt names no table whose newest rows could be compared");
        }
        Map<RestoreRequest.Freshness, Instant> source;
        try (Connection db = connector.source()) {
            source = newest(db, columns);
        } catch (SQLException e) {
            return new Reading(false, null, "the source could not be read (" + SecretRedactor.redact(e.getMessage()) + ")");
        }
        Map<RestoreRequest.Freshness, Instant> copy;
        try (Connection db = connector.restored()) {
            copy = newest(db, columns);
        } catch (SQLException e) {
            return new Reading(false, null, "the restored copy could not be read (" + SecretRedactor.redact(e.getMessage()) + ")");
        }
        Duration window = Duration.ZERO;
        List<String> read = new ArrayList<>();
        for (RestoreRequest.Freshness f : columns) {
            String name = f.table() + "." + f.column();
            Instant inSource = source.get(f);
            Instant inCopy = copy.get(f);
            if (inSource == null) {
                read.add(name + ": no rows in the source");
                continue;
            }
            if (inCopy == null) {
                return new Reading(false, null, name + ": no rows in the copy, the source's newest is " + inSource);
            }
            Duration lost = Duration.between(inCopy, inSource);
            window = lost.compareTo(window) > 0 ? lost : window;
            read.add(name + ": source newest " + inSource + ", copy newest " + inCopy);
        }
        long seconds = window.getSeconds() + (window.getNano() > 0 ? 1 : 0);
        return new Reading(true, seconds, String.join("; ", read));
    }

    private static Map<RestoreRequest.Freshness, Instant> newest(Connection db, List<RestoreRequest.Freshness> columns) throws SQLException {
        Map<RestoreRequest.Freshness, Instant> newest = new LinkedHashMap<>();
        for (RestoreRequest.Freshness f : columns) {
            newest.put(f, DatabaseVerifier.newest(db, f, QUERY_TIMEOUT_SECONDS));
        }
        return newest;
    }
}
