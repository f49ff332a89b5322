package com.drresponder.ledger;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.notify.SecretRedactor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** {@link Ledger} on one DynamoDB table; key layout in docs/CONTRACTS.md. */
public final class DynamoDbLedger implements Ledger {
    static final String INCIDENT_PREFIX = "INCIDENT#";
    static final String META = "META";
    static final String STEP_PREFIX = "STEP#";
    static final String APPROVAL = "APPROVAL";
    static final String RDS_WAIT_PREFIX = "RDSWAIT#";
    static final String RDS_WAIT = "WAIT";
    static final String LOCK_PREFIX = "LOCK#";
    static final String COOLDOWN_PREFIX = "COOLDOWN#";
    static final String IP_BLOCK_PREFIX = "WAFBLOCK#";
    static final String ALIAS_PREFIX = "ALIAS#";
    static final String BAD_VERSION_PREFIX = "BADVERSION#";
    static final String GUARD_PREFIX = "STARTGUARD#";
    static final String QUEUE_PREFIX = "STARTQUEUE#";
    static final String INCIDENTS_INDEX = "byStatus";

    private final DynamoDbClient dynamo;
    private final String table;
    // Orders timeline entries written by this process within the same millisecond.
    private final AtomicInteger sequence = new AtomicInteger();

    public DynamoDbLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A function's ledger, built at init with the environment's client and primed ({@link com.drresponder.common.Priming}). */
    public static DynamoDbLedger atInit(String table) {
        return com.drresponder.common.Priming.primed(new DynamoDbLedger(
                com.drresponder.common.AwsClients.create(DynamoDbClient.builder()), table));
    }

    /** A ledger whose table is answered in-process, for a priming run ({@link com.drresponder.common.Priming#invocationPath}). */
    public static DynamoDbLedger canned(com.drresponder.common.CannedAws aws) {
        return new DynamoDbLedger(aws.client(DynamoDbClient.builder()), "priming");
    }

    @Override
    public boolean openIncident(Incident incident) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(INCIDENT_PREFIX + incident.id()));
        item.put("sk", s(META));
        item.put("gsi1pk", s("INCIDENTS"));
        item.put("gsi1sk", s(SortableInstant.of(incident.createdAt()) + "#" + incident.id()));
        item.put("id", s(incident.id()));
        item.put("playbook", s(incident.playbook()));
        item.put("resource", s(incident.resource()));
        item.put("trigger", s(incident.trigger()));
        item.put("severity", s(incident.severity().name()));
        item.put("status", s(incident.status().name()));
        item.put("summary", s(incident.summary()));
        // the request as given; anything credential-shaped in it is masked before it is stored
        item.put("input", s(SecretRedactor.redact(incident.input())));
        item.put("createdAt", s(incident.createdAt().toString()));
        item.put("updatedAt", s(incident.updatedAt().toString()));
        if (incident.executionArn() != null) {
            item.put("executionArn", s(incident.executionArn()));
        }
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Incident> incident(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(INCIDENT_PREFIX + id), "sk", s(META)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toIncident(item));
    }

    @Override
    public boolean recordExecution(String incidentId, String executionArn, IncidentStatus status, Instant at) {
        // the SDK retries a write whose response was lost (timeout, 5xx) with the same request: the token lets that retry
        // see its own first attempt as success, while a concurrent copy (another token) still loses
        String token = UUID.randomUUID().toString();
        try {
            dynamo.updateItem(b -> b.tableName(table).key(incidentKey(incidentId))
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(executionArn) OR startToken = :k)")
                    .updateExpression("SET executionArn = :e, startToken = :k, #s = :s, updatedAt = :u")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":e", s(executionArn), ":k", s(token), ":s", s(status.name()), ":u", s(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean updateStatus(String incidentId, IncidentStatus status, Instant at) {
        return updateUnlessTerminal(incidentId, "SET #s = :s, updatedAt = :u", Map.of(":s", s(status.name()), ":u", s(at.toString())));
    }

    /** The update, unless the incident is terminal (false); a missing incident is an error, as before. */
    private boolean updateUnlessTerminal(String incidentId, String update, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        List<String> terminal = new ArrayList<>();
        for (IncidentStatus t : IncidentStatus.values()) {
            if (t.isTerminal()) {
                all.put(":t" + t.ordinal(), s(t.name()));
                terminal.add(":t" + t.ordinal());
            }
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(incidentKey(incidentId))
                    .conditionExpression("attribute_exists(pk) AND NOT #s IN (" + String.join(", ", terminal) + ")")
                    .updateExpression(update)
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(all)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return true;
        } catch (ConditionalCheckFailedException e) {
            if (e.item() == null || e.item().isEmpty()) {
                throw e; // no such incident
            }
            return false;
        }
    }

    @Override
    public void append(String incidentId, TimelineEntry entry) {
        String sk = STEP_PREFIX + SortableInstant.of(entry.at()) + "#" + String.format("%06d", sequence.incrementAndGet() % 1_000_000);
        dynamo.putItem(b -> b.tableName(table).item(timelineItem(incidentId, sk, entry)));
    }

    /** Key {@code STEP#<entered>#<step>#<entry digest>}: a retry's put meets its own item and the condition keeps it. */
    @Override
    public boolean appendOnce(String incidentId, String step, Instant stepEnteredAt, TimelineEntry entry) {
        String digest = java.util.HexFormat.of().formatHex(sha256(String.join("\u0000", entry.actor(), entry.action(), entry.outcome(),
                String.valueOf(entry.detail()), String.valueOf(entry.undo()))), 0, 8);
        String sk = STEP_PREFIX + SortableInstant.of(stepEnteredAt) + "#" + step + "#" + digest;
        try {
            dynamo.putItem(b -> b.tableName(table).item(timelineItem(incidentId, sk, entry)).conditionExpression("attribute_not_exists(sk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Map<String, AttributeValue> timelineItem(String incidentId, String sk, TimelineEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(INCIDENT_PREFIX + incidentId));
        item.put("sk", s(sk));
        item.put("at", s(entry.at().toString()));
        item.put("actor", s(entry.actor()));
        item.put("action", s(entry.action()));
        item.put("outcome", s(entry.outcome()));
        if (entry.detail() != null) {
            item.put("detail", s(entry.detail()));
        }
        if (entry.undo() != null) {
            item.put("undo", s(entry.undo()));
        }
        return item;
    }

    @Override
    public List<TimelineEntry> timeline(String incidentId) {
        List<TimelineEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :step)")
                    .expressionAttributeValues(Map.of(":pk", s(INCIDENT_PREFIX + incidentId), ":step", s(STEP_PREFIX)))
                    .exclusiveStartKey(from).build());
            page.items().forEach(i -> entries.add(new TimelineEntry(Instant.parse(str(i, "at")), str(i, "actor"),
                    str(i, "action"), str(i, "outcome"), str(i, "detail"), str(i, "undo"))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        // key order is time order for fixed-width keys; a stable sort on the instant also orders old variable-width keys
        entries.sort(java.util.Comparator.comparing(TimelineEntry::at));
        return entries;
    }

    @Override
    public List<Incident> recentIncidents(int limit) {
        return dynamo.query(b -> b.tableName(table).indexName(INCIDENTS_INDEX).scanIndexForward(false).limit(limit)
                        .keyConditionExpression("gsi1pk = :p")
                        .expressionAttributeValues(Map.of(":p", s("INCIDENTS"))))
                .items().stream().map(DynamoDbLedger::toIncident)
                .sorted(java.util.Comparator.comparing(Incident::createdAt).reversed()).toList(); // old variable-width keys too
    }

    @Override
    public LockResult acquireLock(String resource, String incidentId, Instant now, Instant expiresAt) {
        try {
            Map<String, AttributeValue> old = dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(LOCK_PREFIX + resource), "sk", s("LOCK"), "incidentId", s(incidentId),
                            "expiresAt", n(expiresAt.getEpochSecond()), "acquiredAt", s(now.toString())))
                    // a lock held for an operator has no expiresAt: it never counts as expired
                    .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now OR (incidentId = :me AND attribute_not_exists(heldAt))")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":me", s(incidentId)))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            boolean mineAlready = old != null && incidentId.equals(str(old, "incidentId"));
            return mineAlready ? LockResult.alreadyHeld(incidentId) : LockResult.granted(incidentId);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = e.item();
            String holder = held == null ? "unknown" : str(held, "incidentId");
            return incidentId.equals(holder) ? LockResult.alreadyHeld(incidentId) : LockResult.heldBy(holder);
        }
    }

    @Override
    public boolean renewLock(String resource, String incidentId, Instant now, Instant expiresAt) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(lockKey(resource))
                    .conditionExpression("incidentId = :me AND expiresAt < :e")
                    .updateExpression("SET expiresAt = :e, renewedAt = :now")
                    .expressionAttributeValues(Map.of(":me", s(incidentId), ":e", n(expiresAt.getEpochSecond()), ":now", s(now.toString())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return true;
        } catch (ConditionalCheckFailedException e) {
            // still ours when it already lasts longer or is held for an operator
            return e.item() != null && incidentId.equals(str(e.item(), "incidentId"));
        }
    }

    @Override
    public boolean holdLock(String resource, String incidentId, Instant at) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(lockKey(resource))
                    .conditionExpression("incidentId = :me")
                    .updateExpression("SET heldAt = :at REMOVE expiresAt")
                    .expressionAttributeValues(Map.of(":me", s(incidentId), ":at", s(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean releaseLock(String resource, String incidentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(lockKey(resource))
                    .conditionExpression("incidentId = :me AND attribute_not_exists(heldAt)")
                    .expressionAttributeValues(Map.of(":me", s(incidentId))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<LockState> lock(String resource) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(lockKey(resource))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue expires = item.get("expiresAt");
        return Optional.of(new LockState(str(item, "incidentId"), expires == null ? null : Instant.ofEpochSecond(Long.parseLong(expires.n())),
                item.containsKey("heldAt")));
    }

    private static Map<String, AttributeValue> lockKey(String resource) {
        return Map.of("pk", s(LOCK_PREFIX + resource), "sk", s("LOCK"));
    }

    @Override
    public Cooldown claimCooldown(String subject, String incidentId, Instant now, Instant until) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(COOLDOWN_PREFIX + subject), "sk", s("COOLDOWN"), "incidentId", s(incidentId),
                            "expiresAt", n(until.getEpochSecond()), "claimedAt", s(now.toString())))
                    .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now OR incidentId = :me")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":me", s(incidentId)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Cooldown(incidentId, until);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = e.item();
            return held == null ? new Cooldown("unknown", until)
                    : new Cooldown(str(held, "incidentId"), Instant.ofEpochSecond(Long.parseLong(held.get("expiresAt").n())));
        }
    }

    @Override
    public void recordIpBlock(IpBlock block) {
        try {
            // blockUntil, not expiresAt: DynamoDB's TTL would delete the record before the sweeper removed the address
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(IP_BLOCK_PREFIX + block.ipSetId()), "sk", s("CIDR#" + block.cidr()), "cidr", s(block.cidr()),
                            "incidentId", s(block.incidentId()), "blockUntil", n(block.until().getEpochSecond())))
                    .conditionExpression("attribute_not_exists(pk) OR blockUntil < :until")
                    .expressionAttributeValues(Map.of(":until", n(block.until().getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            // a block lasting longer is recorded already: it stands
        }
    }

    @Override
    public List<IpBlock> ipBlocks(String ipSetId) {
        List<IpBlock> blocks = new java.util.ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(IP_BLOCK_PREFIX + ipSetId))))
                .items().forEach(i -> blocks.add(new IpBlock(ipSetId, str(i, "cidr"), str(i, "incidentId"),
                        Instant.ofEpochSecond(Long.parseLong(i.get("blockUntil").n())))));
        return blocks;
    }

    @Override
    public boolean removeIpBlock(String ipSetId, String cidr, Instant now) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(IP_BLOCK_PREFIX + ipSetId), "sk", s("CIDR#" + cidr)))
                    .conditionExpression("blockUntil < :now")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void recordAliasChange(AliasChange change) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(ALIAS_PREFIX + change.aliasArn()),
                "sk", s("AT#" + SortableInstant.of(change.at())), "version", s(change.version()), "source", s(change.source()),
                "at", s(change.at().toString()))));
    }

    @Override
    public List<AliasChange> aliasHistory(String aliasArn) {
        return dynamo.query(b -> b.tableName(table).consistentRead(true).scanIndexForward(false).limit(50)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(ALIAS_PREFIX + aliasArn))))
                .items().stream()
                .map(i -> new AliasChange(aliasArn, str(i, "version"), Instant.parse(str(i, "at")), str(i, "source")))
                .sorted(java.util.Comparator.comparing(AliasChange::at).reversed()).toList(); // old variable-width keys too
    }

    @Override
    public void putApprovalToken(String incidentId, String taskToken, Instant expiresAt) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(INCIDENT_PREFIX + incidentId), "sk", s(APPROVAL),
                "taskToken", s(taskToken), "expiresAt", n(expiresAt.getEpochSecond()))));
    }

    @Override
    public Optional<String> approvalToken(String incidentId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(INCIDENT_PREFIX + incidentId), "sk", s(APPROVAL)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "taskToken"));
    }

    @Override
    public void deleteApprovalToken(String incidentId) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(INCIDENT_PREFIX + incidentId), "sk", s(APPROVAL))));
    }

    @Override
    public void putRdsWait(RdsWait wait) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(RDS_WAIT_PREFIX + wait.resource()), "sk", s(RDS_WAIT),
                "taskToken", s(wait.taskToken()), "incidentId", s(wait.incidentId()), "check", s(wait.check()),
                "expiresAt", n(wait.expiresAt().getEpochSecond()))));
    }

    @Override
    public Optional<RdsWait> rdsWait(String resource) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(RDS_WAIT_PREFIX + resource), "sk", s(RDS_WAIT)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RdsWait(resource, str(item, "taskToken"), str(item, "incidentId"), str(item, "check"),
                Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n()))));
    }

    @Override
    public void deleteRdsWait(String resource, String taskToken) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(RDS_WAIT_PREFIX + resource), "sk", s(RDS_WAIT)))
                    .conditionExpression("taskToken = :t").expressionAttributeValues(Map.of(":t", s(taskToken))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException replaced) {
            // a later wait on the same resource holds the item now: it stays for its own event
        }
    }

    @Override
    public void markBadVersion(String functionArn, String version, String incidentId, Instant at) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(BAD_VERSION_PREFIX + functionArn),
                "sk", s("VERSION#" + version), "version", s(version), "incidentId", s(incidentId), "at", s(at.toString()))));
    }

    @Override
    public java.util.Set<String> badVersions(String functionArn) {
        java.util.Set<String> versions = new java.util.HashSet<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(BAD_VERSION_PREFIX + functionArn))))
                .items().forEach(i -> versions.add(str(i, "version")));
        return versions;
    }

    @Override
    public Optional<Bucket> bucket(String scope) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(bucketKey(scope))).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new Bucket(Double.parseDouble(item.get("tokens").n()), Instant.parse(str(item, "refilledAt")),
                        Long.parseLong(item.get("version").n())));
    }

    @Override
    public boolean replaceBucket(String scope, Bucket seen, Bucket next) {
        Map<String, AttributeValue> item = new HashMap<>(bucketKey(scope));
        item.put("tokens", AttributeValue.fromN(Double.toString(next.tokens())));
        item.put("refilledAt", s(next.refilledAt().toString()));
        item.put("version", n(next.version()));
        try {
            dynamo.putItem(b -> {
                b.tableName(table).item(item);
                if (seen == null) {
                    b.conditionExpression("attribute_not_exists(pk)");
                } else {
                    b.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(seen.version())));
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> bucketKey(String scope) {
        return Map.of("pk", s(GUARD_PREFIX + scope), "sk", s("BUCKET"));
    }

    @Override
    public void enqueueStart(QueuedStart start) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(QUEUE_PREFIX + start.scope()), "sk", s(start.order()),
                "severity", s(start.severity().name()), "openedAt", s(start.openedAt().toString()), "incidentId", s(start.incidentId()),
                "stateMachineArn", s(start.stateMachineArn()))));
    }

    @Override
    public List<QueuedStart> queuedStarts(String scope, int limit) {
        return dynamo.query(b -> b.tableName(table).consistentRead(true).limit(limit).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(QUEUE_PREFIX + scope))))
                .items().stream().map(i -> new QueuedStart(scope, Severity.valueOf(str(i, "severity")), Instant.parse(str(i, "openedAt")),
                        str(i, "incidentId"), str(i, "stateMachineArn"))).toList();
    }

    @Override
    public void dequeueStart(QueuedStart start) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(QUEUE_PREFIX + start.scope()), "sk", s(start.order()))));
    }

    private static Map<String, AttributeValue> incidentKey(String id) {
        return Map.of("pk", s(INCIDENT_PREFIX + id), "sk", s(META));
    }

    private static Incident toIncident(Map<String, AttributeValue> i) {
        return new Incident(str(i, "id"), str(i, "playbook"), str(i, "resource"), str(i, "trigger"),
                Severity.valueOf(str(i, "severity")), IncidentStatus.valueOf(str(i, "status")), str(i, "executionArn"),
                str(i, "summary"), str(i, "input"), Instant.parse(str(i, "createdAt")), Instant.parse(str(i, "updatedAt")));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value == null ? "" : value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
