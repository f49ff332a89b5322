package com.drresponder.restore;

import com.drresponder.database.ReadOnlySql;
import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.RestoreRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a restored database before anyone is pointed at it: it answers ({@code SELECT 1}), tables hold
 * the rows they should (a minimum, or within a tolerance of the source), no row is newer than the restore
 * point, and the operator's own SQL checks return true. A failed check is a result, not an exception:
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

    public Result verify(RestoreRequest.Verify spec, Instant restoreTime, Connector connector) {
        List<Check> checks = new ArrayList<>();
        try (Connection db = connector.restored()) {
            checks.add(selectOne(db));
            for (Map.Entry<String, RestoreRequest.RowCountRule> rule : spec.rowCounts().entrySet()) {
                checks.add(rowCount(db, rule.getKey(), rule.getValue(), connector));
            }
            for (RestoreRequest.Freshness f : spec.maxUpdatedAt()) {
                checks.add(freshness(db, f, restoreTime));
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
                source = count(src, table);
            }
            double allowed = source * rule.tolerancePercent() / 100.0;
            boolean ok = Math.abs(source - restored) <= allowed;
            return new Check(name, ok, restored + " rows vs " + source + " in the source (tolerance " + rule.tolerancePercent() + "%)");
        } catch (SQLException e) {
            return new Check(name, false, SecretRedactor.redact(e.getMessage()));
        }
    }

    private static Check freshness(Connection db, RestoreRequest.Freshness f, Instant restoreTime) {
        String name = "maxUpdatedAt " + f.table() + "." + f.column();
        // identifiers were checked against RestoreRequest.SQL_NAME: they cannot carry SQL
        try {
            Timestamp max = ReadOnlySql.queryOne(db, "SELECT max(" + f.column() + ") FROM " + f.table(), QUERY_TIMEOUT_SECONDS,
                    rs -> rs.next() ? rs.getTimestamp(1) : null);
            if (max == null) {
                return new Check(name, true, "no rows");
            }
            boolean ok = !max.toInstant().isAfter(restoreTime);
            return new Check(name, ok, "newest row " + max.toInstant() + (ok ? " <= " : " is AFTER ") + "restore time " + restoreTime);
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

    private static long count(Connection db, String table) throws SQLException {
        return ReadOnlySql.queryOne(db, "SELECT count(*) FROM " + table, QUERY_TIMEOUT_SECONDS, rs -> rs.next() ? rs.getLong(1) : 0L);
    }
}
