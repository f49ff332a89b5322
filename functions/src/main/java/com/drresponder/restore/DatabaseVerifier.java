package com.drresponder.restore;

import com.drresponder.database.ReadOnlySql;
import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.RestoreRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a restored database before anyone is pointed at it: it answers ({@code SELECT 1}), tables hold
 * the rows they should (a minimum, or within a tolerance of the source's {@code pg_class} estimate: no
 * {@code count(*)} scan on production during an incident), the newest row lies between the restore point
 * minus the RPO target and the restore point (a copy missing recent writes fails as surely as one with rows
 * from "after"), and the operator's own SQL checks return true. A failed check is a result, not an exception:
 * the playbook stops before cut-over and escalates. Every query goes through {@link ReadOnlySql}: one
 * statement, in a read-only transaction that is rolled back.
 */
public final class DatabaseVerifier {
    private static final int QUERY_TIMEOUT_SECONDS = 60;

    /** Opens read-only connections ({@link ReadOnlySql#readOnlySession}); the password never leaves this boundary. */
    public interface Connector {
        Connection restored() throws SQLException;

        /** The source database, for tolerance checks; only called when a rule needs it. */
        Connection source() throws SQLException;
    }

    public record Check(String check, boolean passed, String detail) {}

    public record Result(boolean passed, List<Check> checks, String summary) {}

    /** @param rpoTarget the freshness lower bound's allowance: the newest row must be at least restoreTime - rpoTarget */
    public Result verify(RestoreRequest.Verify spec, Instant restoreTime, Duration rpoTarget, Connector connector) {
        List<Check> checks = new ArrayList<>();
        try (Connection db = connector.restored()) {
            checks.add(selectOne(db));
            for (Map.Entry<String, RestoreRequest.RowCountRule> rule : spec.rowCounts().entrySet()) {
                checks.add(rowCount(db, rule.getKey(), rule.getValue(), connector));
            }
            for (RestoreRequest.Freshness f : spec.maxUpdatedAt()) {
                checks.add(freshness(db, f, restoreTime, rpoTarget));
            }
            for (String sql : spec.customSql()) {
                checks.add(custom(db, sql));
            }
        } catch (SQLException e) {
            checks.add(new Check("connect", false, "cannot use the restored database: " + SecretRedactor.redact(e.getMessage())));
        }
        boolean passed = checks.stream().allMatch(Check::passed);
        List<String> failed = checks.stream().filter(c -> !c.passed()).map(c -> c.check() + ": " + c.detail()).toList();
        String summary = passed ? checks.size() + " checks passed" : failed.size() + " of " + checks.size() + " checks failed: " + String.join("; ", failed);
        return new Result(passed, List.copyOf(checks), summary);
    }

    private static Check selectOne(Connection db) throws SQLException {
        boolean ok = ReadOnlySql.queryOne(db, "SELECT 1", QUERY_TIMEOUT_SECONDS, rs -> rs.next() && rs.getInt(1) == 1);
        return new Check("SELECT 1", ok, ok ? "the database answers" : "SELECT 1 returned no 1");
    }

    private static Check rowCount(Connection db, String table, RestoreRequest.RowCountRule rule, Connector connector) {
        String name = "rowCount " + table;
        try {
            long restored = count(db, table);
            if (rule.minimumRows() != null) {
                boolean ok = restored >= rule.minimumRows();
                return new Check(name, ok, restored + " rows, minimum " + rule.minimumRows());
            }
            long source;
            try (Connection src = connector.source()) {
                source = estimate(src, table);
            }
            if (source < 0) {
                return new Check(name, false, "the source has no row estimate for " + table
                        + " (never analysed: run ANALYZE on it, or use minimumRows); no count(*) runs on production");
            }
            double allowed = source * rule.tolerancePercent() / 100.0;
            boolean ok = Math.abs(source - restored) <= allowed;
            return new Check(name, ok, restored + " rows vs about " + source + " in the source (pg_class estimate; tolerance "
                    + rule.tolerancePercent() + "%)");
        } catch (SQLException e) {
            return new Check(name, false, SecretRedactor.redact(e.getMessage()));
        }
    }

    private static Check freshness(Connection db, RestoreRequest.Freshness f, Instant restoreTime, Duration rpoTarget) {
        String name = "maxUpdatedAt " + f.table() + "." + f.column();
        try {
            Instant newest = newest(db, f, QUERY_TIMEOUT_SECONDS);
            Instant oldestAllowed = restoreTime.minus(rpoTarget);
            if (newest == null) {
                return new Check(name, false, "no rows: nothing shows the copy holds writes up to " + oldestAllowed);
            }
            if (newest.isAfter(restoreTime)) {
                return new Check(name, false, "newest row " + newest + " is AFTER restore time " + restoreTime);
            }
            if (newest.isBefore(oldestAllowed)) {
                return new Check(name, false, "newest row " + newest + " is older than restore time - RPO target (" + oldestAllowed
                        + "): the copy misses recent writes (or the table is not written continuously)");
            }
            return new Check(name, true, "newest row " + newest + " within [" + oldestAllowed + ", " + restoreTime + "]");
        } catch (SQLException e) {
            return new Check(name, false, SecretRedactor.redact(e.getMessage()));
        }
    }

    private static Check custom(Connection db, String sql) {
        String name = "customSql " + (sql.length() > 60 ? sql.substring(0, 57) + "..." : sql);
        try {
            boolean ok = ReadOnlySql.queryOne(db, sql, QUERY_TIMEOUT_SECONDS, rs -> rs.next() && rs.getBoolean(1));
            return new Check(name, ok, ok ? "returned true" : "did not return true");
        } catch (SQLException e) {
            return new Check(name, false, SecretRedactor.redact(e.getMessage()));
        } catch (IllegalArgumentException e) {
            return new Check(name, false, "refused: " + e.getMessage());
        }
    }

    /**
     * The newest {@code f.column} of {@code f.table} (null: no rows): the freshness check's and the lost-write window's
     * one query. The identifiers were checked against RestoreRequest.SQL_NAME: they cannot carry SQL.
     */
    static Instant newest(Connection db, RestoreRequest.Freshness f, int timeoutSeconds) throws SQLException {
        Timestamp max = ReadOnlySql.queryOne(db, "SELECT max(" + f.column() + ") FROM " + f.table(), timeoutSeconds,
                rs -> rs.next() ? rs.getTimestamp(1) : null);
        return max == null ? null : max.toInstant();
    }

    /** The planner's estimate (-1: never analysed); the name was checked against RestoreRequest.SQL_NAME. */
    private static long estimate(Connection db, String table) throws SQLException {
        return ReadOnlySql.queryOne(db, "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('" + table + "')", QUERY_TIMEOUT_SECONDS,
                rs -> {
                    if (!rs.next()) {
                        throw new SQLException("no table " + table + " in the source");
                    }
                    return rs.getLong(1);
                });
    }

    private static long count(Connection db, String table) throws SQLException {
        return ReadOnlySql.queryOne(db, "SELECT count(*) FROM " + table, QUERY_TIMEOUT_SECONDS, rs -> rs.next() ? rs.getLong(1) : 0L);
    }
}
