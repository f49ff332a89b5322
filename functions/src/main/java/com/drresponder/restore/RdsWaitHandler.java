package com.drresponder.restore;

import com.drresponder.admission.Deployment;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.PollBudget;
import com.drresponder.common.Settings;
import com.drresponder.database.RdsLookup;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.ledger.Ledger;
import com.drresponder.ledger.Ledger.RdsWait;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The restore playbook's event-driven wait ({@code Wait for RDS}). Two callers:
 * <ul>
 *   <li>the state machine, with {@code lambda:invoke.waitForTaskToken}: input {@code {"taskToken", "incidentId", "check",
 *       "kind", "id", "since", "seconds", "sourceStatus"}} (the poll step's input). The token goes to the ledger under the
 *       resource ({@link Ledger#putRdsWait}); then the resource is checked once, and a resource that is already done
 *       (or past its deadline, or failed) resumes the task at once, so an event sent before the token was kept is not
 *       waited for.</li>
 *   <li>the rule {@code rds-wait-events} (RDS creation/restoration/backup/configuration-change events): the event only
 *       says which resource to look at. Events from another account or region, or for a resource no task waits on,
 *       resume nothing; a waiting task is resumed ({@code SendTaskSuccess}) only when {@link CheckProgressHandler}'s
 *       check, run now against RDS, says the resource is ready (or past its deadline, or failed). The payload's status
 *       or message is never trusted.</li>
 * </ul>
 * A lost event costs at most the task's timeout (the last check's {@code waitSeconds}: {@code pollSeconds} backed off,
 * {@link PollBudget}): the state machine then polls anyway ({@code Check progress}). Either way {@code Check progress} decides what happens next: resuming only wakes it.
 */
public final class RdsWaitHandler extends JsonStepHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RdsWaitHandler.class);
    /** A wait item outlives the longest task timeout (pollSeconds at most 3600 s). */
    static final Duration WAIT_LIFETIME = Duration.ofHours(2);
    private static final Set<String> REGISTER_FIELDS = Set.of("taskToken", "incidentId", "check", "kind", "id", "since", "seconds",
            "sourceStatus");

    private final Ledger ledger;
    private final SfnClient sfn;
    private final RdsClient rds;
    private final CheckProgressHandler checker;
    private final Deployment deployment;
    private final Clock clock;

    public RdsWaitHandler() {
        this(DynamoDbLedger.atInit(Settings.fromEnvironment().ledgerTable()), AwsClients.create(SfnClient.builder()),
                AwsClients.create(RdsClient.builder()), Deployment.fromEnvironment(), Clock.systemUTC());
    }

    public RdsWaitHandler(Ledger ledger, SfnClient sfn, RdsClient rds, Deployment deployment, Clock clock) {
        this.ledger = ledger;
        this.sfn = sfn;
        this.rds = rds;
        // the lease and the pacing are the poll step's (Check progress); waking a task changes nothing either guards
        this.checker = new CheckProgressHandler(rds, clock, incidentId -> { }, PollBudget.from(Map.of()));
        this.deployment = deployment;
        this.clock = clock;
    }

    @Override
    protected Object handle(JsonNode event) {
        return event.has("taskToken") ? register(event) : resume(event);
    }

    private ObjectNode register(JsonNode input) {
        input.fieldNames().forEachRemaining(f -> {
            if (!REGISTER_FIELDS.contains(f)) {
                throw new IllegalArgumentException(f + ": is not a known field of the wait");
            }
        });
        String token = required(input, "taskToken");
        ObjectNode check = input.deepCopy();
        check.remove("taskToken");
        String resource = resourceKey(required(input, "check"), required(input, "kind"), required(input, "id"));
        ledger.putRdsWait(new RdsWait(resource, token, required(input, "incidentId"), check.toString(), clock.instant().plus(WAIT_LIFETIME)));
        boolean resumed = settled(check) && resume(new RdsWait(resource, token, required(input, "incidentId"), check.toString(), null), "already done");
        return Json.object().put("waiting", !resumed).put("resource", resource);
    }

    private ObjectNode resume(JsonNode event) {
        ObjectNode result = Json.object();
        String ignored = ignoredBecause(event);
        if (ignored != null) {
            LOG.info("RDS event ignored: {}", ignored);
            return result.put("resumed", 0).put("ignored", ignored);
        }
        JsonNode detail = event.path("detail");
        String sourceType = detail.path("SourceType").asText();
        String id = detail.path("SourceIdentifier").asText();
        int resumed = 0;
        for (String resource : resourcesOf(sourceType, id)) {
            var wait = ledger.rdsWait(resource);
            if (wait.isPresent() && settled(parse(wait.get().check()))
                    && resume(wait.get(), detail.path("EventID").asText("an RDS event"))) {
                resumed++;
            }
        }
        return result.put("resumed", resumed);
    }

    /** Why the event is not one to act on (source, account, region, shape), or null. */
    private String ignoredBecause(JsonNode event) {
        if (!"aws.rds".equals(event.path("source").asText())) {
            return "not an RDS event (source " + event.path("source").asText() + ")";
        }
        String foreign = deployment.foreignBecause(event.path("account").asText(), event.path("region").asText());
        if (foreign != null) {
            return foreign;
        }
        JsonNode detail = event.path("detail");
        String arn = detail.path("SourceArn").asText("");
        String expected = deployment.arn("rds", "");
        if (!arn.startsWith(expected)) {
            return "source ARN " + arn + " is not in this deployment (" + expected + "...)";
        }
        if (!detail.path("SourceIdentifier").isTextual() || !detail.path("SourceType").isTextual()) {
            return "no SourceIdentifier/SourceType";
        }
        return null;
    }

    /** What a task may wait on for an event about this resource: an Aurora instance's event also concerns its cluster. */
    private List<String> resourcesOf(String sourceType, String id) {
        List<String> resources = new ArrayList<>(List.of(sourceType + "#" + id));
        if ("DB_INSTANCE".equals(sourceType)) {
            RdsLookup.instance(rds, id).map(i -> i.dbClusterIdentifier()).ifPresent(cluster -> resources.add("CLUSTER#" + cluster));
        }
        return resources;
    }

    /** Done, failed or past its deadline: in each case {@code Check progress} has something to decide. */
    private boolean settled(JsonNode check) {
        try {
            JsonNode result = (JsonNode) checker.handle(check);
            return result.path("ready").asBoolean(false) || result.path("pastDeadline").asBoolean(false);
        } catch (RestoreStepFailedException failed) {
            return true;
        }
    }

    /** SendTaskSuccess; a token already used, timed out or of an ended execution resumes nothing (false). */
    private boolean resume(RdsWait wait, String why) {
        try {
            sfn.sendTaskSuccess(b -> b.taskToken(wait.taskToken()).output(Json.object().put("wokenBy", why).toString()));
            LOG.info("resumed the wait of incident {} on {} ({})", wait.incidentId(), wait.resource(), why);
            return true;
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException stale) {
            LOG.info("the wait of incident {} on {} had ended already ({})", wait.incidentId(), wait.resource(), stale.getClass().getSimpleName());
            return false;
        } finally {
            ledger.deleteRdsWait(wait.resource(), wait.taskToken());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the ledger's wait item holds no JSON check", e);
        }
    }

    /** The key a wait is kept under: the RDS event's {@code SourceType} and the resource's identifier. */
    static String resourceKey(String check, String kind, String id) {
        boolean cluster = SourceDatabase.CLUSTER.equals(kind);
        return switch (check) {
            case "snapshot" -> (cluster ? "CLUSTER_SNAPSHOT#" : "SNAPSHOT#") + id;
            case "database", "renamed", "source-renamed" -> (cluster ? "CLUSTER#" : "DB_INSTANCE#") + id;
            default -> throw new IllegalArgumentException("check must be snapshot, database, renamed or source-renamed to wait on events, got " + check);
        };
    }
}
