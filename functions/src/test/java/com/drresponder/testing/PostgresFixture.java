package com.drresponder.testing;

import com.drresponder.credentials.JdbcPostgresPasswordChanger;

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
import org.postgresql.PGConnection;

/**
 * A real PostgreSQL (embedded binaries from Maven Central) for rotation and verification tests. The
 * superuser {@code postgres} logs in without a password (test set-up only); every other user must give its
 * password (scram-sha-256), so a test can prove an old password stops working.
 */
public final class PostgresFixture implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private PostgresFixture(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static PostgresFixture start() {
        try {
            Path dataDir = Files.createTempDirectory("drresponder-pg-");
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true)
                    .setServerConfig("password_encryption", "scram-sha-256").start();
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            PostgresFixture fixture = new PostgresFixture(pg);
            fixture.superuser("SELECT pg_reload_conf()");
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Creates a login user with this password (and CREATEROLE when it is to act as master). */
    public void createUser(String user, String password, boolean master) {
        try (Connection c = superuserConnection(); Statement s = c.createStatement()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            s.execute("CREATE ROLE " + pg.escapeIdentifier(user) + " WITH LOGIN" + (master ? " CREATEROLE" : "")
                    + " PASSWORD '" + pg.escapeLiteral(password) + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create user " + user, e);
        }
    }

    public boolean canLogIn(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection ignored = DriverManager.getConnection(url(), props)) {
            return true;
        } catch (SQLException e) {
            if (JdbcPostgresPasswordChanger.isAuthenticationFailure(e)) {
                return false;
            }
            throw new IllegalStateException("PostgreSQL unreachable", e);
        }
    }

    public void superuser(String sql) {
        try (Connection c = superuserConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("superuser statement failed: " + sql, e);
        }
    }

    private Connection superuserConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return DriverManager.getConnection(url(), props);
    }

    private String url() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/postgres";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        }
    }
}
