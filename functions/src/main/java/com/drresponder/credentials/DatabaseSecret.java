package com.drresponder.credentials;

import com.drresponder.common.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A PostgreSQL credential as Secrets Manager stores it for RDS/Aurora:
 * {@code {engine, host, port, username, password, dbname, [masterarn]}}. Other fields are kept as they are
 * when a new version is made. {@link #toString()} never shows the password.
 */
public final class DatabaseSecret {
    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_DBNAME = "postgres";

    private final ObjectNode json;

    private DatabaseSecret(ObjectNode json) {
        this.json = json;
    }

    /** Parses and validates; refuses with the missing field's name (and never the text, which holds the password). */
    public static DatabaseSecret parse(String secretId, String secretString) {
        ObjectNode object = jsonObject(secretId, secretString);
        String engine = Json.text(object, "engine");
        if (engine == null) {
            throw new MalformedSecretException(secretId, "engine", "is missing");
        }
        if (!engine.equalsIgnoreCase("postgres") && !engine.equalsIgnoreCase("aurora-postgresql")) {
            throw new MalformedSecretException(secretId, "engine", "must be postgres or aurora-postgresql, got \"" + engine + "\"");
        }
        for (String field : new String[] {"host", "username", "password"}) {
            String value = Json.text(object, field);
            if (value == null || value.isEmpty()) {
                throw new MalformedSecretException(secretId, field, "is missing");
            }
        }
        JsonNode port = object.get("port");
        if (port != null && !port.isNull() && !(port.canConvertToInt() || port.asText().matches("\\d{1,5}"))) {
            throw new MalformedSecretException(secretId, "port", "must be a number");
        }
        return new DatabaseSecret(object.deepCopy());
    }

    private static ObjectNode jsonObject(String secretId, String secretString) {
        JsonNode node;
        try {
            node = secretString == null ? null : Json.MAPPER.readTree(secretString);
        } catch (JsonProcessingException e) {
            // The parser's message quotes the input, which may hold the password: keep neither message nor cause.
            throw new MalformedSecretException(secretId, "SecretString", "is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new MalformedSecretException(secretId, "SecretString", "is not a JSON object");
        }
        return object;
    }

    /**
     * An RDS-managed master secret ({@code {username, password}} only) as a credential for {@code database}'s endpoint.
     * Refuses, naming the field, when the value lacks one; never quotes the value.
     */
    public static DatabaseSecret managed(String secretId, String secretString, ManagedSecretDatabases.Database database) {
        ObjectNode object = jsonObject(secretId, secretString);
        ObjectNode credential = Json.object().put("engine", database.engine()).put("host", database.host()).put("port", database.port())
                .put("dbname", database.dbname());
        credential.set("username", object.get("username"));
        credential.set("password", object.get("password"));
        return parse(secretId, Json.write(credential));
    }

    public String host() {
        return Json.text(json, "host");
    }

    public int port() {
        JsonNode port = json.get("port");
        return port == null || port.isNull() ? DEFAULT_PORT : Integer.parseInt(port.asText());
    }

    public String dbname() {
        String name = Json.text(json, "dbname");
        return name == null || name.isBlank() ? DEFAULT_DBNAME : name;
    }

    public String username() {
        return Json.text(json, "username");
    }

    public String password() {
        return Json.text(json, "password");
    }

    /**
     * The secret's {@code ssl} field (as in the AWS rotation templates): true asks for a verified TLS
     * connection; false or absent leaves it to the deployment ({@link com.drresponder.database.DatabaseTls}).
     */
    public Boolean ssl() {
        JsonNode ssl = json.get("ssl");
        if (ssl == null || ssl.isNull()) {
            return null;
        }
        return ssl.isBoolean() ? ssl.booleanValue() : Boolean.valueOf("true".equalsIgnoreCase(ssl.asText()));
    }

    /** ARN of the master secret for the alternating-users strategy; null for single-user. */
    public String masterArn() {
        return Json.text(json, "masterarn");
    }

    public DatabaseSecret withPassword(String password) {
        ObjectNode copy = json.deepCopy();
        copy.put("password", password);
        return new DatabaseSecret(copy);
    }

    public DatabaseSecret withUsername(String username) {
        ObjectNode copy = json.deepCopy();
        copy.put("username", username);
        return new DatabaseSecret(copy);
    }

    /** The SecretString to store; holds the password, so only ever goes to Secrets Manager. */
    public String toSecretString() {
        return Json.write(json);
    }

    @Override
    public String toString() {
        return "DatabaseSecret[user=" + username() + ", host=" + host() + ":" + port() + "/" + dbname() + "]";
    }
}
