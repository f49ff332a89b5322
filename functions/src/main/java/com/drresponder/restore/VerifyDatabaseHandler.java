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
 * {@link DatabaseVerifier.Result}. Credentials come from the Secrets Manager secret {@code verify.secretId},
 * which must belong to the database being restored ({@link DatabaseLinks}: tag {@code dr:database=<sourceId>}):
 * a request cannot borrow another database's password. The restored copy is reached at its own endpoint, the
 * source (for tolerance checks) at the secret's host; connections are read-only and TLS-verified
 * ({@link DatabaseTls}). Only the local deployment sets {@value #LOCAL_ADDRESS} ({@code host:port}): the
 * emulator's endpoints are no databases, so every connection goes to the local PostgreSQL instead. The
 * password is never logged nor returned.
 */
public final class VerifyDatabaseHandler extends JsonStepHandler {
    public static final String LOCAL_ADDRESS = "LOCAL_DATABASE_ADDRESS";

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
        String sourceId = required(event, "sourceId");
        // validation checked it already; checked again where the password is read (the input is the caller's)
        DatabaseLinks.secretsOnly(secrets).requireSecretOf("verify.secretId", spec.secretId(), sourceId);
        JsonNode secret = secret(spec.secretId());
        String user = Json.text(secret, "username");
        String password = Json.text(secret, "password");
        Boolean secretSsl = secret.hasNonNull("ssl") && secret.get("ssl").isBoolean() ? secret.get("ssl").booleanValue() : null;
        String database = spec.database() != null ? spec.database() : orDefault(Json.text(secret, "dbname"), "postgres");
        String restoredUrl = url(required(event, "endpoint"), orDefault(Json.text(event, "port"), "5432"), database);
        String sourceUrl = url(Json.text(secret, "host"), orDefault(Json.text(secret, "port"), "5432"), database);
        DatabaseVerifier.Connector connector = new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                return connect(restoredUrl, user, password, secretSsl);
            }

            @Override
            public Connection source() throws SQLException {
                return connect(sourceUrl, user, password, secretSsl);
            }
        };
        Duration rpoTarget = Duration.ofMinutes(Long.parseLong(required(event, "rpoTargetMinutes")));
        return verifier.verify(spec, Instant.parse(required(event, "restoreTime")), rpoTarget, connector);
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

    private String url(String host, String port, String database) {
        if (host == null) {
            throw new IllegalArgumentException("no host to connect to: the restored endpoint is missing");
        }
        String address = localAddress != null ? localAddress : host + ":" + port;
        return "jdbc:postgresql://" + address + "/" + database;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

}
