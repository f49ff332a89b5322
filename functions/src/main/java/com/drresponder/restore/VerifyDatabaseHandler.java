package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Lazy;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Verification step of the restore playbook, after the restored database is available. Input
 * {@code {"verify": <the request's verify block>, "endpoint", "port", "restoreTime"}}; output
 * {@link DatabaseVerifier.Result}. Credentials come from the Secrets Manager secret {@code verify.secretId}
 * (username, password, and dbname/port); the host is the restored endpoint, or
 * {@code verify.jdbcUrlOverride} where the endpoint is no real database (local runs). The password is
 * never logged nor returned.
 */
public final class VerifyDatabaseHandler extends JsonStepHandler {
    private final Supplier<SecretsManagerClient> secrets;
    private final DatabaseVerifier verifier = new DatabaseVerifier();

    public VerifyDatabaseHandler() {
        this(Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())));
    }

    public VerifyDatabaseHandler(Supplier<SecretsManagerClient> secrets) {
        this.secrets = secrets;
    }

    @Override
    Object handle(JsonNode event) {
        RestoreRequest.Verify spec = RestoreRequest.verify(event.get("verify"));
        if (spec == null) {
            throw new IllegalArgumentException("verify is required in the step input");
        }
        JsonNode secret = secret(spec.secretId());
        String user = Json.text(secret, "username");
        String password = Json.text(secret, "password");
        String database = spec.database() != null ? spec.database() : orDefault(Json.text(secret, "dbname"), "postgres");
        String restoredUrl = spec.jdbcUrlOverride() != null ? spec.jdbcUrlOverride()
                : url(required(event, "endpoint"), orDefault(Json.text(event, "port"), "5432"), database);
        String sourceUrl = spec.sourceJdbcUrlOverride() != null ? spec.sourceJdbcUrlOverride()
                : url(Json.text(secret, "host"), orDefault(Json.text(secret, "port"), "5432"), database);
        DatabaseVerifier.Connector connector = new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                return connect(restoredUrl, user, password);
            }

            @Override
            public Connection source() throws SQLException {
                return connect(sourceUrl, user, password);
            }
        };
        return verifier.verify(spec, Instant.parse(required(event, "restoreTime")), connector);
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

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user == null ? "" : user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "15");
        props.setProperty("ApplicationName", "dr-responder-verify");
        return DriverManager.getConnection(url, props);
    }

    private static String url(String host, String port, String database) {
        if (host == null) {
            throw new IllegalArgumentException("no host to connect to: the restored endpoint is missing");
        }
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
