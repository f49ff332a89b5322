package com.drresponder.testing;

import com.drresponder.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * A real PostgreSQL ({@link LocalPostgres}) for rotation and verification tests, database {@code postgres}. The
 * superuser {@code postgres} logs in without a password (test set-up only); every other user must give its
 * password (scram-sha-256), so a test can prove an old password stops working. Tests get one through
 * {@link PostgresTest}.
 */
public final class PostgresFixture implements AutoCloseable {
    private static final String DATABASE = "postgres";
    private final LocalPostgres postgres;

    private PostgresFixture(LocalPostgres postgres) {
        this.postgres = postgres;
    }

    static PostgresFixture start() {
        return new PostgresFixture(LocalPostgres.start("drresponder-pg-"));
    }

    public int port() {
        return postgres.port();
    }

    public String host() {
        return postgres.host();
    }

    /** Creates a login user with this password (and CREATEROLE when it is to act as master). */
    public void createUser(String user, String password, boolean master) {
        try (Connection c = postgres.superuserConnection(DATABASE); Statement s = c.createStatement()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            s.execute("CREATE ROLE " + pg.escapeIdentifier(user) + " WITH LOGIN" + (master ? " CREATEROLE" : "")
                    + " PASSWORD '" + pg.escapeLiteral(password) + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create user " + user, e);
        }
    }

    public boolean canLogIn(String user, String password) {
        return postgres.canLogIn(DATABASE, user, password);
    }

    /** A table {@code orders} of {@code rows} rows last updated {@code age} ago (a PostgreSQL interval), for verification SQL. */
    public void ordersTable(int rows, String age) {
        superuser("CREATE TABLE orders (id serial primary key, updated_at timestamptz not null)");
        superuser("INSERT INTO orders (updated_at) SELECT now() - interval '" + age + "' FROM generate_series(1, " + rows + ")");
    }

    public void superuser(String sql) {
        postgres.superuser(DATABASE, sql);
    }

    /** The first column of the first row of a superuser query (e.g. a count). */
    public long queryLong(String sql) {
        try (Connection c = postgres.superuserConnection(DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("superuser query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        postgres.close();
    }
}
