package com.drresponder.cli;

import com.drresponder.credentials.JdbcPostgresPasswordChanger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The demo's orders database: an embedded PostgreSQL (binaries from Maven Central, a fresh data directory
 * under the system temp directory) with database {@code orders}, table {@code orders(id, updated_at)}, the
 * application's login {@code orders_app} (whose password the credential playbook rotates) and a read-only
 * {@code orders_verify} login for the restore drill's checks. The superuser {@code postgres} logs in without
 * a password from this host only (set-up); every other user must give its password (scram-sha-256), so the
 * demo can show that a rotated-away password stops working. Passwords are random and never printed.
 */
final class DemoDatabase implements AutoCloseable {
    static final String DATABASE = "orders";
    static final String APP_USER = "orders_app";
    static final String VERIFY_USER = "orders_verify";
    static final int ROWS = 25;

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    final String appPassword = randomPassword();
    final String verifyPassword = randomPassword();

    private DemoDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    static DemoDatabase start() {
        Path dataDir;
        EmbeddedPostgres pg;
        try {
            dataDir = Files.createTempDirectory("drctl-demo-pg-");
            pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true)
                    .setServerConfig("password_encryption", "scram-sha-256").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo's embedded PostgreSQL", e);
        }
        DemoDatabase db = new DemoDatabase(pg, dataDir);
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            db.superuser("postgres", "SELECT pg_reload_conf()");
            db.superuser("postgres", "CREATE DATABASE " + DATABASE);
            db.superuser(DATABASE, "CREATE ROLE " + APP_USER + " WITH LOGIN PASSWORD '" + db.appPassword + "'");
            db.superuser(DATABASE, "CREATE ROLE " + VERIFY_USER + " WITH LOGIN PASSWORD '" + db.verifyPassword + "'");
            db.superuser(DATABASE, "CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL,"
                    + " updated_at timestamptz NOT NULL)");
            db.superuser(DATABASE, "INSERT INTO orders (customer, total, updated_at) SELECT 'customer-' || n, n * 10.5,"
                    + " now() - n * interval '1 second' FROM generate_series(1, " + ROWS + ") AS n");
            // statistics, as autovacuum keeps them on a live table: the drill's tolerance check reads pg_class's estimate
            db.superuser(DATABASE, "ANALYZE orders");
            db.superuser(DATABASE, "GRANT ALL ON orders TO " + APP_USER);
            db.superuser(DATABASE, "GRANT SELECT ON orders TO " + VERIFY_USER);
            return db;
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return postgres.getPort();
    }

    /** The drill's verification target (demo only: moto's cluster endpoints are no databases). */
    String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + DATABASE;
    }

    /** Whether this user logs in with this password; false on an authentication failure. */
    boolean canLogIn(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection ignored = DriverManager.getConnection(jdbcUrl(), props)) {
            return true;
        } catch (SQLException e) {
            if (JdbcPostgresPasswordChanger.isAuthenticationFailure(e)) {
                return false;
            }
            throw new IllegalStateException("demo PostgreSQL unreachable: " + e.getMessage(), e);
        }
    }

    private void superuser(String database, String sql) {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/" + database, props);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("demo database set-up failed: " + e.getMessage(), e);
        }
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return "demo-" + HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            // best effort: the process is ending
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
