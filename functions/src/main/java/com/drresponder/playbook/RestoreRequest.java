package com.drresponder.playbook;

import com.drresponder.database.ReadOnlySql;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Manual input of the restore-database-to-point-in-time playbook. Every bad field fails with a message
 * naming the field and what is allowed, before anything is looked up in AWS.
 */
public record RestoreRequest(
        String clusterId,
        String instanceId,
        String restoreTime,
        String targetId,
        String instanceClass,
        String cutover,
        boolean approval,
        String mode,
        boolean dryRun,
        String reason,
        Verify verify,
        CutoverConfig cutoverConfig,
        int pollSeconds,
        int timeoutMinutes,
        String fromSnapshot) {
    public static final String PLAYBOOK = "restore-database-to-point-in-time";
    public static final int DEFAULT_POLL_SECONDS = 30;
    public static final int DEFAULT_TIMEOUT_MINUTES = 120;
    /** {@code source.snapshot}: the source's newest available automated snapshot. */
    public static final String LATEST_AUTOMATED = "latest-automated";
    /** A snapshot identifier as RDS names them: manual ones like a database identifier, automated ones {@code rds:<db>-<date>}. */
    static final Pattern SNAPSHOT_ID = Pattern.compile("(rds:)?[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}(?<!-)");
    static final Pattern DB_IDENTIFIER = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9]+(\\.[a-z0-9]+)?");
    /** Table and column names used in generated SQL: plain identifiers, optionally schema-qualified. */
    static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    static final Pattern SECRET_ID = Pattern.compile("(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}");
    static final Pattern PARAMETER_NAME = Pattern.compile("/?[A-Za-z0-9_.\\-/]{1,1011}");
    static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A Lambda alias name (not a version number). */
    static final Pattern ALIAS = Pattern.compile("(?!\\d+$)[A-Za-z0-9_-]{1,128}");
    static final Pattern ENV_VAR = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");
    static final String IDENTIFIER_RULE = "an RDS identifier (a letter, then letters, digits and single hyphens, at most 63)";
    static final String TIME_RULE = "\"latest\" or an ISO-8601 instant such as 2026-11-22T03:00:00Z";

    /**
     * What to check on the restored database before anyone is pointed at it. Where to connect is never
     * part of a request: the restored endpoint comes from RDS, the credentials from a secret that must
     * belong to the database (tag {@code dr:database=<id>}).
     *
     * @param rowCounts table -> rule: a minimum row count, or a tolerance in percent against the source
     */
    public record Verify(String secretId, String database, Map<String, RowCountRule> rowCounts, List<Freshness> maxUpdatedAt, List<String> customSql) {}

    /** Either at least {@code minimumRows}, or within {@code tolerancePercent} of the source's count. */
    public record RowCountRule(Long minimumRows, Double tolerancePercent) {}

    /** max(column) of table lies in [restore time - RPO target, restore time]: no rows from "after", none missing from just before. */
    public record Freshness(String table, String column) {}

    /**
     * Where consumers read the database endpoint from: exactly one of secret host, SSM parameter, Lambda variable.
     * A Lambda consumer invoked through an alias names it ({@code alias}): the alias is moved to a version
     * published with the new value, since changing {@code $LATEST} moves nobody behind an alias.
     */
    public record CutoverConfig(String secretId, String parameterName, String functionName, String variable, String alias) {
        public String kind() {
            return secretId != null ? "secret" : parameterName != null ? "parameter" : "lambda";
        }
    }

    public static RestoreRequest parse(JsonNode node) {
        String cluster = RequestFields.optional(node, "clusterId", DB_IDENTIFIER, IDENTIFIER_RULE);
        String instance = RequestFields.optional(node, "instanceId", DB_IDENTIFIER, IDENTIFIER_RULE);
        if ((cluster == null) == (instance == null)) {
            throw new InvalidRequestException("clusterId", "give exactly one of clusterId (Aurora) or instanceId (RDS instance)");
        }
        String mode = RequestFields.oneOf(node, "mode", "restore", "restore", "drill");
        boolean drill = "drill".equals(mode);
        String restoreTime = RequestFields.optional(node, "restoreTime", null, TIME_RULE);
        String fromSnapshot = fromSnapshot(node.get("source"));
        if (fromSnapshot != null) {
            if (drill) {
                throw new InvalidRequestException("source", "a drill restores the latest restorable time (it measures the RTO of a real restore); leave source out");
            }
            if (restoreTime != null) {
                throw new InvalidRequestException("restoreTime", "is not used with source.snapshot: the snapshot is the restore point; give one of them");
            }
        } else if (restoreTime == null) {
            if (!drill) {
                throw new InvalidRequestException("restoreTime", "is required: " + TIME_RULE);
            }
            restoreTime = "latest";
        }
        if (restoreTime != null && !"latest".equals(restoreTime)) {
            try {
                Instant.parse(restoreTime);
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("restoreTime", "must be " + TIME_RULE + ", got \"" + restoreTime + "\"");
            }
        }
        if (drill && !"latest".equals(restoreTime)) {
            throw new InvalidRequestException("restoreTime", "a drill always restores \"latest\" (it measures the RTO of a real restore), got \"" + restoreTime + "\"");
        }
        String cutover = RequestFields.oneOf(node, "cutover", "none", "none", "rename", "config");
        if (drill && !"none".equals(cutover)) {
            throw new InvalidRequestException("cutover", "a drill never cuts over (its copy is deleted afterwards); use \"none\", got \"" + cutover + "\"");
        }
        CutoverConfig cutoverConfig = cutoverConfig(node.get("cutoverConfig"));
        if ("config".equals(cutover) && cutoverConfig == null) {
            throw new InvalidRequestException("cutoverConfig", "is required when cutover is \"config\": {\"secretId\"} or {\"parameterName\"} or {\"functionName\", \"variable\", \"alias\"?}");
        }
        if (!"config".equals(cutover) && cutoverConfig != null) {
            throw new InvalidRequestException("cutoverConfig", "is only used with cutover \"config\", but cutover is \"" + cutover + "\"");
        }
        Verify verify = verify(node.get("verify"));
        if (verify == null && !"none".equals(cutover)) {
            throw new InvalidRequestException("verify", "is required with cutover \"" + cutover + "\": nobody is pointed at a restored database that was not checked");
        }
        return new RestoreRequest(cluster, instance, restoreTime,
                RequestFields.optional(node, "targetId", DB_IDENTIFIER, IDENTIFIER_RULE),
                RequestFields.optional(node, "instanceClass", INSTANCE_CLASS, "an instance class such as db.r6g.large or db.serverless"),
                cutover,
                RequestFields.bool(node, "approval", false),
                mode,
                RequestFields.bool(node, "dryRun", false),
                RequestFields.optional(node, "reason", null, "free text"),
                verify,
                cutoverConfig,
                integer(node, "pollSeconds", DEFAULT_POLL_SECONDS, 1, 3600),
                integer(node, "timeoutMinutes", DEFAULT_TIMEOUT_MINUTES, 0, 1440),
                fromSnapshot);
    }

    /** {@code source}: {@code {"snapshot": "latest-automated" | "<snapshot id>"}}, absent for a point-in-time restore. */
    static String fromSnapshot(JsonNode source) {
        if (source == null || source.isNull()) {
            return null;
        }
        if (!source.isObject()) {
            throw new InvalidRequestException("source", "must be an object {\"snapshot\": \"" + LATEST_AUTOMATED + "\" or a snapshot identifier}");
        }
        onlyKnownFields(source, "source", Set.of("snapshot"));
        JsonNode snapshot = source.get("snapshot");
        String rule = "\"" + LATEST_AUTOMATED + "\" or a snapshot identifier of the source database (such as orders-db-before-upgrade"
                + " or rds:orders-db-2026-11-22-03-00; not an ARN: only this account's and region's snapshots)";
        if (snapshot == null || snapshot.isNull()) {
            throw new InvalidRequestException("source.snapshot", "is required: " + rule);
        }
        if (!snapshot.isTextual() || !SNAPSHOT_ID.matcher(snapshot.asText()).matches()) {
            throw new InvalidRequestException("source.snapshot", "must be " + rule + ", got " + abbreviate(snapshot.toString()));
        }
        return snapshot.asText();
    }

    public String sourceId() {
        return clusterId != null ? clusterId : instanceId;
    }

    public boolean drill() {
        return "drill".equals(mode);
    }

    /** Parses a {@code verify} block on its own (the verification step re-reads it from the execution input). */
    public static Verify verify(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new InvalidRequestException("verify", "must be an object such as {\"secretId\": \"orders-db/master\", \"rowCounts\": {\"orders\": 1}}");
        }
        onlyKnownFields(v, "verify", Set.of("secretId", "database", "rowCounts", "maxUpdatedAt", "customSql"));
        String secretId = RequestFields.optional(v, "secretId", SECRET_ID, "a Secrets Manager secret name or ARN holding username and password");
        if (secretId == null) {
            throw new InvalidRequestException("verify.secretId", "is required: the Secrets Manager secret with the database username and password");
        }
        String database = RequestFields.optional(v, "database", SQL_NAME, "a database name");
        return new Verify(secretId, database, rowCounts(v.get("rowCounts")), freshness(v.get("maxUpdatedAt")), customSql(v.get("customSql")));
    }

    private static Map<String, RowCountRule> rowCounts(JsonNode node) {
        Map<String, RowCountRule> rules = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return rules;
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("verify.rowCounts", "must be an object {table: minimumRows} or {table: {\"tolerancePercent\": 5}}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "verify.rowCounts." + e.getKey();
            if (!SQL_NAME.matcher(e.getKey()).matches()) {
                throw new InvalidRequestException(field, "table names must be plain SQL identifiers (schema.table allowed)");
            }
            JsonNode rule = e.getValue();
            if (rule.isIntegralNumber() && rule.asLong() >= 0) {
                rules.put(e.getKey(), new RowCountRule(rule.asLong(), null));
            } else if (rule.isObject() && rule.has("minimumRows") && rule.get("minimumRows").isIntegralNumber() && rule.get("minimumRows").asLong() >= 0) {
                rules.put(e.getKey(), new RowCountRule(rule.get("minimumRows").asLong(), null));
            } else if (rule.isObject() && rule.has("tolerancePercent") && rule.get("tolerancePercent").isNumber()
                    && rule.get("tolerancePercent").asDouble() >= 0 && rule.get("tolerancePercent").asDouble() <= 100) {
                rules.put(e.getKey(), new RowCountRule(null, rule.get("tolerancePercent").asDouble()));
            } else {
                throw new InvalidRequestException(field, "must be a minimum row count (>= 0), {\"minimumRows\": n} or {\"tolerancePercent\": 0-100}, got " + rule);
            }
        }
        return rules;
    }

    private static List<Freshness> freshness(JsonNode node) {
        List<Freshness> checks = new ArrayList<>();
        for (JsonNode check : RequestFields.oneOrList(node, JsonNode::isObject, "verify.maxUpdatedAt", "{\"table\", \"column\"}")) {
            String table = RequestFields.required(check, "table", SQL_NAME, "a table name");
            String column = RequestFields.required(check, "column", SQL_NAME, "a timestamp column name");
            checks.add(new Freshness(table, column));
        }
        return checks;
    }

    private static List<String> customSql(JsonNode node) {
        List<String> queries = new ArrayList<>();
        for (JsonNode q : RequestFields.oneOrList(node, JsonNode::isTextual, "verify.customSql", "a SELECT returning one boolean")) {
            if (!q.isTextual() || !q.asText().trim().toLowerCase().matches("(select|with)\\s[\\s\\S]*")) {
                throw new InvalidRequestException("verify.customSql", "each entry must be a SELECT (or WITH ... SELECT) returning one boolean, got " + q);
            }
            try {
                ReadOnlySql.requireSingleStatement(q.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("verify.customSql", "each entry " + e.getMessage() + ", got " + abbreviate(q.asText()));
            }
            queries.add(q.asText().trim());
        }
        return queries;
    }

    static CutoverConfig cutoverConfig(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject()) {
            throw new InvalidRequestException("cutoverConfig", "must be an object: {\"secretId\"} or {\"parameterName\"} or {\"functionName\", \"variable\"}");
        }
        onlyKnownFields(c, "cutoverConfig", Set.of("secretId", "parameterName", "functionName", "variable", "alias"));
        String secret = RequestFields.optional(c, "secretId", SECRET_ID, "a Secrets Manager secret name or ARN whose JSON has a \"host\"");
        String parameter = RequestFields.optional(c, "parameterName", PARAMETER_NAME, "an SSM parameter name such as /orders/db-host");
        String function = RequestFields.optional(c, "functionName", FUNCTION_NAME, "a Lambda function name");
        String variable = RequestFields.optional(c, "variable", ENV_VAR, "an environment variable name such as DATABASE_URL");
        String alias = RequestFields.optional(c, "alias", ALIAS, "the alias the function's consumers invoke, such as live (a name, not a version)");
        int given = (secret != null ? 1 : 0) + (parameter != null ? 1 : 0) + (function != null ? 1 : 0);
        if (given != 1) {
            throw new InvalidRequestException("cutoverConfig", "give exactly one of secretId, parameterName or functionName (with variable)");
        }
        if ((function != null) != (variable != null)) {
            throw new InvalidRequestException("cutoverConfig.variable", function != null
                    ? "is required with functionName: the environment variable that holds the endpoint or URL"
                    : "is only used with functionName");
        }
        if (alias != null && function == null) {
            throw new InvalidRequestException("cutoverConfig.alias", "is only used with functionName");
        }
        return new CutoverConfig(secret, parameter, function, variable, alias);
    }

    static int integer(JsonNode node, String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new InvalidRequestException(field, "must be a whole number from " + min + " to " + max + ", got " + value);
        }
        return value.asInt();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static void onlyKnownFields(JsonNode node, String field, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidRequestException(field + "." + name, "is not a known field; allowed: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
