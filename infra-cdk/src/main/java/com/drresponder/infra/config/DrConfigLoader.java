package com.drresponder.infra.config;

import com.drresponder.catalog.Catalog;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.constructs.Node;

/**
 * Builds a validated {@link DrConfig}.
 *
 * <p>Sources, later ones overriding earlier ones field by field:
 * <ol>
 *   <li>the defaults ({@link DrConfig#defaults()});</li>
 *   <li>the JSON file {@code infra-cdk/dr-config.json}, or the file named by context {@code configFile}
 *       (relative paths resolve against infra-cdk/); a missing default file is fine, a missing named file is an error;</li>
 *   <li>the context key {@code drResponder}: a JSON object in cdk.json, or a JSON string from {@code -c drResponder='{...}'}.</li>
 * </ol>
 * Any invalid value throws {@link DrConfigException} naming the field ({@code drResponder.<field>}) and the allowed values.
 */
public final class DrConfigLoader {
    public static final String CONTEXT_KEY = "drResponder";
    public static final String CONFIG_FILE_CONTEXT_KEY = "configFile";
    public static final String DEFAULT_FILE = "dr-config.json";

    static final Set<String> FIELDS = Set.of("protectionTagKey", "protectedResources", "mode", "guardDutyMinSeverity",
            "findingActions", "notificationEmails", "operatorPrincipals", "wafSafelist", "rtoTargetMinutes", "rpoTargetMinutes", "lambdaRtoTargetMinutes",
            "drillSchedule", "drillTargets", "verifyWindowMinutes", "maxRollbacksPerHour", "cooldownMinutes", "vpc", "restoreWithoutApproval", "lockTtlMinutes", "failoverRegions",
            "autoRestoreEventIds", "passwordLength", "passwordExcludeCharacters", "mutatingStartsPerMinute", "blockHours", "wafMaxBlocksPerIncident",
            "rotationMaxChecks", "alarmMaxAgeMinutes", "snapshotRetentionDays", "manualSnapshotQuota");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\\d{12})?:.+");
    /** An IAM role or user (aws:PrincipalArn of an assumed-role session is its role's ARN). */
    private static final Pattern OPERATOR = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]{1,512}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern RDS_DATABASE_ARN = Pattern.compile("arn:aws[a-z-]*:rds:[a-z0-9-]+:\\d{12}:(cluster|db):[a-z][a-z0-9-]{0,62}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern SCHEDULE = Pattern.compile("cron\\((\\S+ ){5}\\S+\\)|rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern FINDING_PREFIX = Pattern.compile("[A-Za-z0-9:/._!\\-]+");
    private static final Pattern IPV4_CIDR = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)/(3[0-2]|[12]?\\d)");
    private static final Pattern IPV6_CIDR = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*/(12[0-8]|1[01]\\d|[1-9]?\\d)");
    private static final Pattern RDS_EVENT_ID = Pattern.compile("RDS-EVENT-\\d{4}");
    /** Printable ASCII without space: what GetRandomPassword's ExcludeCharacters can name. */
    private static final Pattern EXCLUDABLE = Pattern.compile("[\\x21-\\x7E]{0,64}");
    private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern SG_ID = Pattern.compile("sg-[0-9a-f]{8,17}");

    private DrConfigLoader() {}

    /**
     * Loads the configuration for a CDK app or stack node.
     *
     * @param node        any construct node (reads context)
     * @param infraCdkDir the infra-cdk/ directory, against which the config file path resolves
     */
    public static DrConfig load(Node node, Path infraCdkDir) {
        Object configFile = node.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
        Object context = node.tryGetContext(CONTEXT_KEY);
        return load(configFile == null ? null : configFile.toString(), context, infraCdkDir);
    }

    /** Loads from an explicit config file name (or null for the default file) and a context value (or null). */
    public static DrConfig load(String configFile, Object contextValue, Path infraCdkDir) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Path file = infraCdkDir.resolve(configFile == null ? DEFAULT_FILE : configFile);
        if (Files.isRegularFile(file)) {
            try {
                merged.putAll(asObject(JSON.readValue(Files.readString(file), Object.class), "file " + file));
            } catch (JsonProcessingException e) {
                throw new DrConfigException("configuration file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new DrConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
            }
        } else if (configFile != null) {
            throw new DrConfigException("context configFile names " + file + ", which does not exist");
        }
        if (contextValue != null) {
            Object value = contextValue;
            if (value instanceof String s) {
                try {
                    value = JSON.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    throw new DrConfigException("context " + CONTEXT_KEY + " must be a JSON object, got " + quote(s), e);
                }
            }
            merged.putAll(asObject(value, "context " + CONTEXT_KEY));
        }
        return fromMap(merged);
    }

    /** Parses and validates a configuration object (field name -> JSON value); absent fields take their default. */
    public static DrConfig fromMap(Map<String, ?> raw) {
        for (String key : raw.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new DrConfigException(field(key) + " is not a known field; known fields: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        DrConfig d = DrConfig.defaults();
        String tagKey = string(raw, "protectionTagKey", d.protectionTagKey());
        if (!TAG_KEY.matcher(tagKey).matches() || tagKey.toLowerCase().startsWith("aws:")) {
            throw new DrConfigException(field("protectionTagKey") + " must be a tag key of 1-128 letters, digits, spaces or _.:/=+-@ not starting with \"aws:\", got " + quote(tagKey));
        }
        List<String> protectedResources = stringList(raw, "protectedResources", d.protectedResources());
        for (String arn : protectedResources) {
            if (!arn.equals("*") && !ARN.matcher(arn).matches()) {
                throw new DrConfigException(field("protectedResources") + " entries must be resource ARNs (arn:aws:...) or \"*\", got " + quote(arn));
            }
        }
        String modeValue = string(raw, "mode", d.mode().value());
        DrConfig.Mode mode = switch (modeValue) {
            case "enforce" -> DrConfig.Mode.ENFORCE;
            case "dry-run" -> DrConfig.Mode.DRY_RUN;
            default -> throw new DrConfigException(field("mode") + " must be \"enforce\" or \"dry-run\", got " + quote(modeValue));
        };
        double severity = number(raw, "guardDutyMinSeverity", d.guardDutyMinSeverity());
        if (severity < 1.0 || severity > 10.0) {
            throw new DrConfigException(field("guardDutyMinSeverity") + " must be a number from 1.0 to 10.0 (GuardDuty severity), got " + severity);
        }
        Map<String, List<String>> findingActions = findingActions(raw, d.findingActions());
        List<String> emails = stringList(raw, "notificationEmails", d.notificationEmails());
        for (String email : emails) {
            if (!EMAIL.matcher(email).matches()) {
                throw new DrConfigException(field("notificationEmails") + " entries must be e-mail addresses (name@example.com), got " + quote(email));
            }
        }
        int rto = positiveInt(raw, "rtoTargetMinutes", d.rtoTargetMinutes(), 1, 10_080);
        int rpo = positiveInt(raw, "rpoTargetMinutes", d.rpoTargetMinutes(), 1, 10_080);
        int lambdaRto = positiveInt(raw, "lambdaRtoTargetMinutes", d.lambdaRtoTargetMinutes(), 1, 10_080);
        String drill = raw.containsKey("drillSchedule") ? nullableString(raw, "drillSchedule") : d.drillSchedule();
        if (drill != null && !SCHEDULE.matcher(drill).matches()) {
            throw new DrConfigException(field("drillSchedule") + " must be an EventBridge schedule expression \"cron(min hour day-of-month month day-of-week year)\" or \"rate(N unit)\", or null for no drill, got " + quote(drill));
        }
        List<Map<String, Object>> drillTargets = drillTargets(raw.get("drillTargets"), d.drillTargets());
        int verify = positiveInt(raw, "verifyWindowMinutes", d.verifyWindowMinutes(), 1, 1_440);
        int maxRollbacks = positiveInt(raw, "maxRollbacksPerHour", d.maxRollbacksPerHour(), 1, 1_000);
        int cooldown = positiveInt(raw, "cooldownMinutes", d.cooldownMinutes(), 0, 1_440);
        int lockTtl = positiveInt(raw, "lockTtlMinutes", d.lockTtlMinutes(), DrConfig.MIN_LOCK_TTL_MINUTES, 1_440);
        int startsPerMinute = positiveInt(raw, "mutatingStartsPerMinute", d.mutatingStartsPerMinute(), 1, 1_000);
        int alarmMaxAge = positiveInt(raw, "alarmMaxAgeMinutes", d.alarmMaxAgeMinutes(), 1, 1_440);
        DrConfig.VpcConfig vpc = vpc(raw.get("vpc"));
        List<String> operators = stringList(raw, "operatorPrincipals", d.operatorPrincipals());
        for (String arn : operators) {
            if (!OPERATOR.matcher(arn).matches()) {
                throw new DrConfigException(field("operatorPrincipals") + " entries must be IAM role or user ARNs "
                        + "(arn:aws:iam::123456789012:role/dr-operator), got " + quote(arn));
            }
        }
        List<String> withoutApproval = stringList(raw, "restoreWithoutApproval", d.restoreWithoutApproval());
        for (String arn : withoutApproval) {
            if (!RDS_DATABASE_ARN.matcher(arn).matches()) {
                throw new DrConfigException(field("restoreWithoutApproval") + " entries must be the ARN of an Aurora cluster or RDS instance"
                        + " (arn:aws:rds:<region>:<account>:cluster:<id> or ...:db:<id>; no wildcards: each database is named), got " + quote(arn));
            }
        }
        List<String> safelist = stringList(raw, "wafSafelist", d.wafSafelist());
        for (String cidr : safelist) {
            if (!IPV4_CIDR.matcher(cidr).matches() && !IPV6_CIDR.matcher(cidr).matches()) {
                throw new DrConfigException(field("wafSafelist") + " entries must be IPv4 or IPv6 CIDR blocks (203.0.113.0/24, 2001:db8::/32), got " + quote(cidr));
            }
        }
        List<String> autoRestore = stringList(raw, "autoRestoreEventIds", d.autoRestoreEventIds());
        for (String id : autoRestore) {
            if (!RDS_EVENT_ID.matcher(id).matches()) {
                throw new DrConfigException(field("autoRestoreEventIds") + " entries must be RDS event ids (RDS-EVENT-0049), got " + quote(id));
            }
        }
        int passwordLength = positiveInt(raw, "passwordLength", d.passwordLength(), 8, 99);
        String exclude = string(raw, "passwordExcludeCharacters", d.passwordExcludeCharacters());
        if (!EXCLUDABLE.matcher(exclude).matches()) {
            throw new DrConfigException(field("passwordExcludeCharacters") + " must be at most 64 printable ASCII characters without spaces, got "
                    + quote(exclude));
        }
        // 30 days at most: a block is containment while people look, not a permanent deny list
        int blockHours = positiveInt(raw, "blockHours", d.blockHours(), 1, 720);
        // an incident's blocks stay far below the headroom alarm (8,000) and WAF's 10,000 addresses per set
        int maxBlocks = positiveInt(raw, "wafMaxBlocksPerIncident", d.wafMaxBlocksPerIncident(), 1, 1_000);
        // the credential playbook's TimeoutSeconds is sized for the most checks (catalog)
        int rotationChecks = positiveInt(raw, "rotationMaxChecks", d.rotationMaxChecks(), 1, Catalog.MAX_ROTATION_CHECKS);
        List<String> failoverRegions = stringList(raw, "failoverRegions", d.failoverRegions());
        for (String region : failoverRegions) {
            if (!REGION.matcher(region).matches()) {
                throw new DrConfigException(field("failoverRegions") + " entries must be AWS Region names (us-west-2, eu-central-1), got " + quote(region));
            }
        }
        // ten years at most: a snapshot kept longer is an archive, not what a restore leaves behind to look into
        int retention = positiveInt(raw, "snapshotRetentionDays", d.snapshotRetentionDays(), 1, 3_650);
        // above the headroom alarm's threshold, or the alarm would always fire; RDS's quotas are raised to thousands at most
        int quota = positiveInt(raw, "manualSnapshotQuota", d.manualSnapshotQuota(), DrConfig.SNAPSHOT_HEADROOM_ALARM + 1, 100_000);
        return new DrConfig(tagKey, protectedResources, mode, severity, findingActions, emails, rto, rpo, lambdaRto,
                drill, drillTargets, verify, maxRollbacks, cooldown, vpc, operators, withoutApproval, safelist, lockTtl,
                autoRestore, passwordLength, exclude, startsPerMinute, blockHours, maxBlocks, rotationChecks, alarmMaxAge, failoverRegions,
                retention, quota);
    }

    /** Each drill target names exactly one database; the rest is checked by the restore playbook's own validation. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> drillTargets(Object value, List<Map<String, Object>> dflt) {
        if (value == null) {
            return dflt;
        }
        if (!(value instanceof List<?> list)) {
            throw new DrConfigException(field("drillTargets") + " must be a list of restore requests such as "
                    + "{\"clusterId\": \"orders-db\", \"verify\": {...}}, got " + describe(value));
        }
        List<Map<String, Object>> targets = new java.util.ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> target)
                    || (target.get("clusterId") instanceof String) == (target.get("instanceId") instanceof String)) {
                throw new DrConfigException(field("drillTargets") + " entries must name exactly one of clusterId or instanceId, got " + describe(item));
            }
            if (target.containsKey("playbook") || target.containsKey("mode")) {
                throw new DrConfigException(field("drillTargets") + " entries must not set playbook or mode (the drill sets them), got " + describe(item));
            }
            targets.add((Map<String, Object>) target);
        }
        return targets;
    }

    private static Map<String, List<String>> findingActions(Map<String, ?> raw, Map<String, List<String>> dflt) {
        if (!raw.containsKey("findingActions")) {
            return dflt;
        }
        Object value = raw.get("findingActions");
        if (!(value instanceof Map<?, ?> map)) {
            throw new DrConfigException(field("findingActions") + " must be an object mapping a GuardDuty finding-type prefix to a list of actions (" + String.join(", ", DrConfig.FINDING_ACTIONS) + "), got " + describe(value));
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String prefix = String.valueOf(e.getKey());
            String name = "findingActions." + prefix;
            if (!FINDING_PREFIX.matcher(prefix).matches()) {
                throw new DrConfigException(field("findingActions") + " keys must be GuardDuty finding-type prefixes such as \"UnauthorizedAccess:IAMUser/\", got " + quote(prefix));
            }
            List<String> actions = stringList(e.getValue(), name);
            if (actions.isEmpty()) {
                throw new DrConfigException(field(name) + " must list at least one action of " + String.join(", ", DrConfig.FINDING_ACTIONS));
            }
            for (String action : actions) {
                if (!DrConfig.FINDING_ACTIONS.contains(action)) {
                    throw new DrConfigException(field(name) + " actions must be one of " + quotedList(DrConfig.FINDING_ACTIONS) + ", got " + quote(action));
                }
            }
            result.put(prefix, actions);
        }
        return result;
    }

    private static DrConfig.VpcConfig vpc(Object value) {
        if (value == null) {
            return null;
        }
        Map<String, Object> map = asObject(value, field("vpc"));
        for (String key : map.keySet()) {
            if (!Set.of("vpcId", "subnetIds", "securityGroupIds").contains(key)) {
                throw new DrConfigException(field("vpc." + key) + " is not a known field; known fields: vpcId, subnetIds, securityGroupIds");
            }
        }
        Object vpcIdValue = map.get("vpcId");
        if (!(vpcIdValue instanceof String vpcId) || !VPC_ID.matcher(vpcId).matches()) {
            throw new DrConfigException(field("vpc.vpcId") + " must be a VPC id (vpc-0123456789abcdef0), got " + describe(vpcIdValue));
        }
        List<String> subnets = stringList(map.get("subnetIds"), "vpc.subnetIds");
        List<String> groups = stringList(map.get("securityGroupIds"), "vpc.securityGroupIds");
        if (subnets.isEmpty() || !subnets.stream().allMatch(s -> SUBNET_ID.matcher(s).matches())) {
            throw new DrConfigException(field("vpc.subnetIds") + " must be a non-empty list of subnet ids (subnet-0123456789abcdef0), got " + subnets);
        }
        if (groups.isEmpty() || !groups.stream().allMatch(s -> SG_ID.matcher(s).matches())) {
            throw new DrConfigException(field("vpc.securityGroupIds") + " must be a non-empty list of security group ids (sg-0123456789abcdef0), got " + groups);
        }
        return new DrConfig.VpcConfig(vpcId, subnets, groups);
    }

    // ---- typed accessors with messages that name the field ----

    private static String string(Map<String, ?> raw, String name, String dflt) {
        if (!raw.containsKey(name)) {
            return dflt;
        }
        Object v = raw.get(name);
        if (!(v instanceof String s)) {
            throw new DrConfigException(field(name) + " must be a string, got " + describe(v));
        }
        return s;
    }

    private static String nullableString(Map<String, ?> raw, String name) {
        Object v = raw.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new DrConfigException(field(name) + " must be a string or null, got " + describe(v));
        }
        return s;
    }

    private static double number(Map<String, ?> raw, String name, double dflt) {
        if (!raw.containsKey(name)) {
            return dflt;
        }
        Object v = raw.get(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new DrConfigException(field(name) + " must be a number, got " + describe(v));
    }

    private static int positiveInt(Map<String, ?> raw, String name, int dflt, int min, int max) {
        if (!raw.containsKey(name)) {
            return dflt;
        }
        Object v = raw.get(name);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.intValue();
        }
        throw new DrConfigException(field(name) + " must be a whole number from " + min + " to " + max + ", got " + describe(v));
    }

    private static List<String> stringList(Map<String, ?> raw, String name, List<String> dflt) {
        return raw.containsKey(name) ? stringList(raw.get(name), name) : dflt;
    }

    private static List<String> stringList(Object v, String name) {
        if (!(v instanceof List<?> list)) {
            throw new DrConfigException(field(name) + " must be a list of strings, got " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new DrConfigException(field(name) + " must be a list of strings, got an element " + describe(item));
            }
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new DrConfigException(what + " must be a JSON object, got " + describe(value));
    }

    private static String field(String name) { return CONTEXT_KEY + "." + name; }

    private static String quote(String s) { return "\"" + s + "\""; }

    private static String quotedList(List<String> values) {
        return String.join(", ", values.stream().map(DrConfigLoader::quote).toList());
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
