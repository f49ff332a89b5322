package com.drresponder.credentials;

import com.drresponder.database.DatabaseTls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * {@link PostgresPasswordChanger} over the PostgreSQL JDBC driver. Passwords go to the server only as a
 * client-side SCRAM/MD5 verifier ({@link PGConnection#alterUserPassword}), so the clear text appears in no SQL
 * statement, server log or error message; identifiers are quoted by the driver. Connections are TLS-verified
 * as {@link DatabaseTls} says, honouring the secret's {@code ssl} field.
 */
public final class JdbcPostgresPasswordChanger implements PostgresPasswordChanger {
    /** invalid_password, invalid_authorization_specification (unknown role, pg_hba rejection). */
    private static final java.util.Set<String> AUTH_FAILURES = java.util.Set.of("28P01", "28000");
    private static final int TIMEOUT_SECONDS = 5;

    private final DatabaseTls tls;

    /** TLS as the deployment says ({@link DatabaseTls#fromEnvironment}: verify-full against the RDS roots by default). */
    public JdbcPostgresPasswordChanger() {
        this(DatabaseTls.fromEnvironment());
    }

    public JdbcPostgresPasswordChanger(DatabaseTls tls) {
        this.tls = tls;
    }

    @Override
    public boolean canLogIn(DatabaseSecret credentials) {
        try (Connection ignored = open(credentials)) {
            return true;
        } catch (SQLException e) {
            if (isAuthenticationFailure(e)) {
                return false;
            }
            throw new RotationRefusedException("cannot reach " + where(credentials) + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /** The server refused these credentials (as opposed to being unreachable): the one definition of a failed login. */
    public static boolean isAuthenticationFailure(SQLException e) {
        return AUTH_FAILURES.contains(e.getSQLState());
    }

    @Override
    public void verify(DatabaseSecret credentials) {
        try (Connection c = open(credentials); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
        } catch (SQLException e) {
            throw new RotationRefusedException("user " + credentials.username() + " cannot log in and query " + where(credentials)
                    + " with the pending password (SQLState " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public void setPassword(DatabaseSecret admin, String username, String newPassword, String grantRolesOf) {
        char[] password = newPassword.toCharArray();
        try (Connection c = open(admin)) {
            PGConnection pg = c.unwrap(PGConnection.class);
            if (grantRolesOf != null && !roleExists(c, username)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE " + pg.escapeIdentifier(username) + " WITH LOGIN");
                    s.execute("GRANT " + pg.escapeIdentifier(grantRolesOf) + " TO " + pg.escapeIdentifier(username));
                }
            }
            pg.alterUserPassword(username, password, null);
        } catch (SQLException e) {
            throw new RotationRefusedException("could not set the password of user " + username + " on " + where(admin)
                    + " as " + admin.username() + " (SQLState " + e.getSQLState() + ")", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static boolean roleExists(Connection c, String username) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            q.setString(1, username);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Connection open(DatabaseSecret credentials) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", credentials.username());
        props.setProperty("password", credentials.password());
        props.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "drresponder-rotation");
        // a password (old or new) only goes to a server that proves it is the database in the secret
        tls.apply(props, credentials.ssl());
        return DriverManager.getConnection(url(credentials), props);
    }

    static String url(DatabaseSecret credentials) {
        return "jdbc:postgresql://" + credentials.host() + ":" + credentials.port() + "/" + credentials.dbname();
    }

    private static String where(DatabaseSecret credentials) {
        return credentials.host() + ":" + credentials.port() + "/" + credentials.dbname();
    }
}
