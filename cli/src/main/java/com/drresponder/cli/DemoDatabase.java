package com.drresponder.cli;

import com.drresponder.testsupport.LocalPostgres;
import java.security.SecureRandom;
import java.util.HexFormat;

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

    private final LocalPostgres postgres;
    final String appPassword = randomPassword();
    final String verifyPassword = randomPassword();

    private DemoDatabase(LocalPostgres postgres) {
        this.postgres = postgres;
    }

    static DemoDatabase start() {
        DemoDatabase db = new DemoDatabase(LocalPostgres.start("drctl-demo-pg-"));
        try {
            db.postgres.superuser("postgres", "CREATE DATABASE " + DATABASE);
            db.superuser("CREATE ROLE " + APP_USER + " WITH LOGIN PASSWORD '" + db.appPassword + "'");
            db.superuser("CREATE ROLE " + VERIFY_USER + " WITH LOGIN PASSWORD '" + db.verifyPassword + "'");
            db.superuser("CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL,"
                    + " updated_at timestamptz NOT NULL)");
            db.superuser("INSERT INTO orders (customer, total, updated_at) SELECT 'customer-' || n, n * 10.5,"
                    + " now() - n * interval '1 second' FROM generate_series(1, " + ROWS + ") AS n");
            // statistics, as autovacuum keeps them on a live table: the drill's tolerance check reads pg_class's estimate
            db.superuser("ANALYZE orders");
            db.superuser("GRANT ALL ON orders TO " + APP_USER);
            db.superuser("GRANT SELECT ON orders TO " + VERIFY_USER);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    String host() {
        return postgres.host();
    }

    int port() {
        return postgres.port();
    }

    /** The drill's verification target (demo only: moto's cluster endpoints are no databases). */
    String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    /** Whether this user logs in with this password; false on an authentication failure. */
    boolean canLogIn(String user, String password) {
        return postgres.canLogIn(DATABASE, user, password);
    }

    private void superuser(String sql) {
        postgres.superuser(DATABASE, sql);
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
        } catch (RuntimeException e) {
            // best effort: the process is ending
        }
    }
}
