package com.drresponder.restore;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Lazy;
import com.drresponder.database.DatabaseTls;
import com.drresponder.database.ReadOnlySql;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Verification step of the restore playbook, after the restored database is available. Input
 * {@code {"verify": <the request's verify block>, "endpoint", "port", "restoreTime", "rpoTargetMinutes", "sourceId"}}; output
 * {@link DatabaseVerifier.Result}. With {@code "action": "lost-writes"} (no restoreTime, no RPO target), just before the
 * cut-over switch: the lost-write window read from the data ({@link LostWriteWindow.Reading}). Credentials come from
 * the Secrets Manager secret {@code verify.secretId}, which must belong to the database being restored
 * ({@link DatabaseLinks}: tag {@code dr:database=<sourceId>}): a request cannot borrow another database's password.
 * The restored copy is reached at its own endpoint, the source (tolerance checks, lost writes) at the secret's host;
 * connections are read-only and TLS-verified ({@link DatabaseTls}). Only the local deployment sets
 * {@value #LOCAL_ADDRESS} ({@code host:port}): the emulator's RDS endpoints are no databases, so the copy is reached
 * at the local PostgreSQL instead (the source stays at its secret's host, which the deployer wrote). The password is
 * never logged nor returned.
 */
public final class VerifyDatabaseHandler extends JsonStepHandler {
    public static final String LOCAL_ADDRESS = "LOCAL_DATABASE_ADDRESS";
    /** The step's second use, just before the cut-over switch: {@link LostWriteWindow}. */
    static final String LOST_WRITES = "lost-writes";

    private final Supplier<SecretsManagerClient> secrets;
    private final DatabaseTls tls;
    private final String localAddress;
    private final DatabaseVerifier verifier = new DatabaseVerifier();

    public VerifyDatabaseHandler() {
        this(Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())), DatabaseTls.fromEnvironment(),
                RestoreSettings.from(Environment.variables()).localDatabaseAddress());
    }

    public VerifyDatabaseHandler(Supplier<SecretsManagerClient> secrets, DatabaseTls tls, String localAddress) {
        this.secrets = secrets;
        this.tls = tls;
        this.localAddress = localAddress == null || localAddress.isBlank() ? null : localAddress.trim();
    }

    @Override
    protected Object handle(JsonNode event) {
        RestoreRequest.Verify spec = RestoreRequest.verify(event.get("verify"));
        if (spec == null) {
            throw new IllegalArgumentException("verify is required in the step input");
        }
        String action = Json.text(event, "action");
        if (action != null && !action.equals(LOST_WRITES)) {
            throw new IllegalArgumentException("action must be absent (verify) or " + LOST_WRITES + ", got " + action);
        }
        String sourceId = required(event, "sourceId");
        // validation checked it already; checked again where the password is read (the input is the caller's)
        DatabaseLinks.secretsOnly(secrets).requireSecretOf("verify.secretId", spec.secretId(), sourceId);
        DatabaseVerifier.Connector connector = connector(spec, required(event, "endpoint"), Json.text(event, "port"));
        if (LOST_WRITES.equals(action)) {
            return new LostWriteWindow().measure(spec.maxUpdatedAt(), connector);
        }
        Duration rpoTarget = Duration.ofMinutes(Long.parseLong(required(event, "rpoTargetMinutes")));
        return verifier.verify(spec, Instant.parse(required(event, "restoreTime")), rpoTarget, connector);
    }

    /** The copy at the endpoint RDS reported (or the local address), the source at its secret's host. */
    private DatabaseVerifier.Connector connector(RestoreRequest.Verify spec, String endpoint, String port) {
        JsonNode secret = secret(spec.secretId());
        String user = Json.text(secret, "username");
        String password = Json.text(secret, "password");
        Boolean secretSsl = secret.hasNonNull("ssl") && secret.get("ssl").isBoolean() ? secret.get("ssl").booleanValue() : null;
        String database = spec.database() != null ? spec.database() : orDefault(Json.text(secret, "dbname"), "postgres");
        String restoredUrl = url(localAddress != null ? localAddress : endpoint + ":" + orDefault(port, "5432"), database);
        String sourceHost = Json.text(secret, "host");
        String sourceUrl = sourceHost == null ? null : url(sourceHost + ":" + orDefault(Json.text(secret, "port"), "5432"), database);
        return new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                return connect(restoredUrl, user, password, secretSsl);
            }

            @Override
            public Connection source() throws SQLException {
                if (sourceUrl == null) {
                    throw new SQLException("secret " + spec.secretId() + " names no host: the source cannot be reached");
                }
                return connect(sourceUrl, user, password, secretSsl);
            }
        };
    }

    private JsonNode secret(String secretId) {
        String text = secrets.get().getSecretValue(r -> r.secretId(secretId)).secretString();
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            // the parser's message could quote the secret: say only which secret is malformed
            throw new UncheckedIOException(new IOException("secret " + secretId + " is not JSON with username and password"));
        }
    }

    private Connection connect(String url, String user, String password, Boolean secretSsl) throws SQLException {
        Properties props = ReadOnlySql.readOnlySession(new Properties());
        props.setProperty("user", user == null ? "" : user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "15");
        props.setProperty("ApplicationName", "dr-responder-verify");
        tls.apply(props, secretSsl);
        return DriverManager.getConnection(url, props);
    }

    private static String url(String address, String database) {
        return "jdbc:postgresql://" + address + "/" + database;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

}
