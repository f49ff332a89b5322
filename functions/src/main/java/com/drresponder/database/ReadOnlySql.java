package com.drresponder.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * The only way the responder runs SQL it did not write itself (verification checks): one statement, on a
 * connection that is read-only at the server ({@code default_transaction_read_only=on}), inside a
 * {@code BEGIN READ ONLY} transaction that is always rolled back. So {@code WITH d AS (DELETE ...) SELECT true}
 * fails in the server and {@code SELECT 1; DROP TABLE orders} is refused before it is sent.
 */
public final class ReadOnlySql {
    private ReadOnlySql() {}

    /** What a row of the single result is turned into. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Refuses text that the PostgreSQL driver would send as more than one statement. The driver's own parser
     * decides (quotes, comments, dollar quoting), so what is checked is what would run.
     */
    public static void requireSingleStatement(String sql) {
        List<NativeQuery> statements;
        try {
            statements = Parser.parseJdbcSql(sql, true, true, true, false, true);
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot be parsed as SQL (" + e.getSQLState() + ")");
        }
        long nonEmpty = statements.stream().filter(q -> !q.nativeSql.isBlank()).count();
        if (nonEmpty != 1) {
            throw new IllegalArgumentException("must be exactly one SQL statement, got " + nonEmpty
                    + " (statements separated by ';' are refused)");
        }
    }

    /** Connection properties that make the session read-only at the server, whatever the driver does. */
    public static Properties readOnlySession(Properties props) {
        props.setProperty("readOnly", "true");
        // readOnlyMode stays "transaction" (BEGIN READ ONLY): "always" makes the driver rewrite the session's
        // default_transaction_read_only when autocommit changes, which would undo the server-side setting below
        props.setProperty("readOnlyMode", "transaction");
        props.setProperty("options", "-c default_transaction_read_only=on");
        // extended protocol for every statement: the server itself refuses several commands in one Parse
        props.setProperty("preferQueryMode", "extended");
        return props;
    }

    /** Runs one statement in a read-only transaction that is rolled back, and reads its first row. */
    public static <T> T queryOne(Connection db, String sql, int timeoutSeconds, RowReader<T> reader) throws SQLException {
        requireSingleStatement(sql);
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        db.setReadOnly(true);
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setQueryTimeout(timeoutSeconds);
            s.setMaxRows(1);
            try (ResultSet rs = s.executeQuery()) {
                return reader.read(rs);
            }
        } finally {
            db.rollback();
            db.setAutoCommit(autoCommit);
        }
    }
}
