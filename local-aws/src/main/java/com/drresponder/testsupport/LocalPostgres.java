package com.drresponder.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

/**
 * The local harness's PostgreSQL (drctl's demo database and the tests' fixture): embedded binaries from Maven
 * Central in a fresh temporary data directory. The superuser {@code postgres} logs in without a password from
 * this host only (set-up); every other user must give its password (scram-sha-256), so a rotated-away password
 * demonstrably stops working.
 */
public final class LocalPostgres implements AutoCloseable {
    /** SQLStates of a refused login (wrong password, unknown user), as opposed to an unreachable server. */
    private static final Set<String> AUTH_FAILURES = Set.of("28P01", "28000");

    private final EmbeddedPostgres postgres;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts a server whose data directory is a new temporary directory named {@code dataDirPrefix...}. */
    public static LocalPostgres start(String dataDirPrefix) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory(dataDirPrefix);
            LocalPostgres local = new LocalPostgres(EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true)
                    .setServerConfig("password_encryption", "scram-sha-256").start());
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            local.superuser("postgres", "SELECT pg_reload_conf()");
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A connection as the superuser (set-up and assertions only). */
    public Connection superuserConnection(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    public void superuser(String database, String sql) {
        try (Connection c = superuserConnection(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("superuser statement failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** Whether this user logs in with this password; false when the server refuses the credentials. */
    public boolean canLogIn(String database, String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection ignored = DriverManager.getConnection(jdbcUrl(database), props)) {
            return true;
        } catch (SQLException e) {
            if (AUTH_FAILURES.contains(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("PostgreSQL unreachable: " + e.getMessage(), e);
        }
    }

    /** Stops the server; the embedded server deletes its data directory (it was started with a clean-up flag). */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
