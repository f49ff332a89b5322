package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.Executions;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * drctl end to end against the emulator: the responder deployed by {@link LocalRuntime} (the same code
 * `drctl local up` runs), its state file in a temp dir, and every command run in-process with {@code --local}.
 */
@AwsEmulatorTest
class DrctlIT {
    @TempDir Path dir;
    Path stateFile;
    LocalRuntime runtime;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        runtime = LocalRuntime.on(emulator, Paths.root()).deploy(quiet).estate(quiet);
        stateFile = dir.resolve("drctl.json");
        runtime.state(ProcessHandle.current().pid()).write(stateFile);
    }

    Cli.Run drctl(String... args) {
        String[] withLocal = new String[args.length + 1];
        withLocal[0] = "--local";
        System.arraycopy(args, 0, withLocal, 1, args.length);
        return Cli.run(stateFile, withLocal);
    }

    @Test
    void rollback_should_moveAliasAndFollowToTheEnd_when_startedByHandWithFollow() {
        Cli.Run r = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--reason", "bad deploy", "--follow");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("outcome    STARTED").contains("incident   rollback-checkout-api-live-")
                .containsPattern("\\[ok\\] Plan rollback +(\\d\\.\\d|\\d+|\\d+m\\d\\d)s")
                .containsPattern("\\[ok\\] Update alias +(\\d\\.\\d|\\d+|\\d+m\\d\\d)s")
                .contains("outcome    SUCCEEDED in ")
                .contains("Update alias").contains("version 7 -> 6");
        assertThat(runtime.aliasVersion()).isEqualTo("6");
    }

    @Test
    void rollback_should_printParsableJson_when_outputJson() {
        Cli.Run r = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--to-version", "5", "--output", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode started = r.json();
        assertThat(started.path("outcome").asText()).isEqualTo("STARTED");
        String incident = started.path("incidentId").asText();

        // follow by execution ARN, JSON: steps and timeline
        Cli.Run followed = drctl("follow", started.path("executionArn").asText(), "-o", "json", "--timeout", "90");
        assertThat(followed.exitCode()).as(followed.toString()).isZero();
        JsonNode f = followed.json();
        assertThat(f.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(f.path("incidentId").asText()).isEqualTo(incident);
        assertThat(f.path("steps").findValuesAsText("name")).contains("Plan rollback", "Update alias");
        assertThat(f.path("timeline").findValuesAsText("action")).contains("Update alias");
        assertThat(runtime.aliasVersion()).isEqualTo("5");

        // incidents and show, JSON
        JsonNode list = drctl("incidents", "-o", "json").json();
        assertThat(list.findValuesAsText("id")).contains(incident);
        JsonNode shown = drctl("show", incident, "-o", "json").json();
        assertThat(shown.path("status").asText()).isEqualTo("MONITORING");
        assertThat(shown.path("timeline").findValuesAsText("action")).contains("Incident opened", "Update alias");
    }

    @Test
    void failover_should_reachTheRouterAsTheFailoverPlaybook_when_dryRun() {
        Cli.Run r = drctl("failover", "--cluster", "Orders-DB", "--to", "orders-db-instance-2", "--dry-run");

        // the router admitted it for fail-over-database, on the canonical cluster, and started nothing (dry run)
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("outcome    DRY_RUN").contains("incident   fail-over-orders-db-").contains("playbook   fail-over-database")
                .contains("resource   arn:aws:rds:us-east-1:123456789012:cluster:orders-db")
                .contains("\"clusterId\":\"orders-db\"").contains("\"to\":\"orders-db-instance-2\"");
    }

    @Test
    void incidentsAndShow_should_printTables_when_text() {
        String incident = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--dry-run", "-o", "json")
                .json().path("incidentId").asText();

        Cli.Run list = drctl("incidents");
        assertThat(list.out()).startsWith("INCIDENT").contains(incident).contains("rollback-lambda-alias");
        assertThat(drctl("incidents", "--open").out()).doesNotContain(incident); // a dry run is not open

        Cli.Run show = drctl("show", incident);
        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("incident   " + incident).contains("TIME").contains("ACTION");
        assertThat(runtime.aliasVersion()).isEqualTo("7");
    }

    @Test
    void follow_should_sayWhatTheVerifyLoopWaitsFor_when_alarmKeepsFiring() {
        // GIVEN the alarm is firing: the router starts a rollback whose verify loop waits for it to clear
        runtime.alarm(software.amazon.awssdk.services.cloudwatch.model.StateValue.ALARM, "Threshold Crossed");
        Thread ok = Thread.ofVirtual().start(() -> {
            try {
                // clear the alarm only once the verify loop has waited a few rounds
                while (waits(runtime) < 3) { // the loop backs off (PollBudget): few rounds fit the local verify window
                    Thread.sleep(300);
                }
                runtime.alarm(software.amazon.awssdk.services.cloudwatch.model.StateValue.OK, "recovered");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String event = com.drresponder.common.Json.object().toString();
        JsonNode routed = ManualRequest.parse(runtime.target.lambda().invoke(b -> b.functionName(runtime.target.routerFunction())
                .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String(read("events/samples/cloudwatch/lambda-errors-alarm.json"))))
                .payload().asUtf8String());
        assertThat(routed.path("outcome").asText()).as(routed.toString() + event).isEqualTo("STARTED");

        // WHEN followed
        Cli.Run r = drctl("follow", routed.path("incidentId").asText(), "--timeout", "90");

        // THEN the checklist shows the loop and what it waits for, then the resolution
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("[..] ").contains("(loop) Check alarm")
                .containsPattern("\\(loop\\) Wait before next check +ran \\d+ times, .*: waiting the seconds in \\S+ - The pause check-alarm computed")
                .contains("outcome    SUCCEEDED").contains("is RESOLVED");
        ok.interrupt();
    }

    @Test
    void approve_should_exit3WithClearMessage_when_incidentHasNoTaskToken() {
        String incident = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--dry-run", "-o", "json")
                .json().path("incidentId").asText();

        Cli.Run r = drctl("approve", incident);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("is not waiting for approval").contains("no task token");
    }

    @Test
    void approve_should_printAwsErrorAndRequestId_when_tokenIsNotLive() {
        // GIVEN an incident whose approval item holds a task token the engine does not know
        String incident = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--dry-run", "-o", "json")
                .json().path("incidentId").asText();
        runtime.target.ledger().putApprovalToken(incident, "not-a-live-token", Instant.now().plusSeconds(3600));

        Cli.Run approve = drctl("approve", incident);
        Cli.Run reject = drctl("reject", incident, "--debug");

        assertThat(approve.exitCode()).as(approve.toString()).isEqualTo(1);
        assertThat(approve.err()).contains("request id").contains("--debug");
        assertThat(reject.exitCode()).isEqualTo(1);
        assertThat(reject.err()).contains("at software.amazon.awssdk"); // --debug: the stack trace
    }

    @Test
    void approve_should_sendCallersIdentity_and_landItOnTimeline_when_restoreWaitsForApproval() throws Exception {
        // GIVEN a restore of orders-db waiting at its approval gate (started directly, polling every second)
        String incident = "inc-approve-" + java.util.UUID.randomUUID();
        com.fasterxml.jackson.databind.node.ObjectNode input = com.drresponder.common.Json.object().put("incidentId", incident)
                .put("clusterId", LocalRuntime.ORDERS_DB).put("restoreTime", "latest").put("cutover", "none").put("approval", true).put("pollSeconds", 1);
        input.putObject("verify").put("secretId", LocalRuntime.VERIFY_SECRET);
        var sfn = runtime.target.sfn();
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(runtime.deployed.stateMachineArns().get("restore-database-to-point-in-time"))
                .name(incident).input(input.toString())).executionArn(); // a direct start is named after its incident
        Instant deadline = Instant.now().plusSeconds(120);
        while (runtime.target.ledger().approvalToken(incident).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
        // WHEN an operator approves with drctl
        Cli.Run approve = drctl("approve", incident, "--reason", "rows match", "-o", "json");
        // THEN drctl answered as the caller STS names, and that identity is on the timeline
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        String by = approve.json().path("by").asText();
        assertThat(by).startsWith("arn:aws:");
        assertThat(Executions.poll(sfn, executionArn, Duration.ofSeconds(60)).statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(runtime.target.ledger().timeline(incident)).anyMatch(e -> e.action().equals("Approval") && e.outcome().equals("approved")
                && e.detail().equals("Cut-over approved by " + by + ": rows match"));
        assertThat(runtime.target.ledger().approvalToken(incident)).isEmpty();
    }

    @Test
    void restoreAndRespond_should_exit3SayingPlaybookNotDeployed_when_stateMachineMissing() throws Exception {
        // GIVEN a responder deployed without the restore and credential playbooks
        LocalState full = LocalState.read(stateFile);
        java.util.Map<String, String> rollbackOnly = new java.util.LinkedHashMap<>(full.stateMachines());
        rollbackOnly.remove("restore-database-to-point-in-time");
        rollbackOnly.remove("respond-to-credential-compromise");
        java.nio.file.Path partial = stateFile.resolveSibling("drctl-rollback-only.json");
        new LocalState(full.pid(), full.endpoint(), full.region(), full.accountId(), full.ledgerTable(), full.topicArn(),
                full.routerFunction(), rollbackOnly, full.startedAt()).write(partial);

        // WHEN an operator asks for those playbooks
        Cli.Run restore = Cli.run(partial, "--local", "restore", "--cluster", "orders-db", "--to", "latest", "--cutover", "rename",
                "--approval", "--verify", "{\"secretId\":\"orders-db/master\"}");
        Cli.Run drill = Cli.run(partial, "--local", "drill", "--cluster", "orders-db");
        Cli.Run respond = Cli.run(partial, "--local", "respond", "--secret", "orders/db-master", "--dry-run");

        // THEN each exits 3 and says which playbook is missing
        assertThat(restore.exitCode()).isEqualTo(3);
        assertThat(restore.err()).contains("playbook restore-database-to-point-in-time is not deployed");
        assertThat(drill.exitCode()).isEqualTo(3);
        assertThat(respond.exitCode()).isEqualTo(3);
        assertThat(respond.err()).contains("respond-to-credential-compromise is not deployed");
    }

    @Test
    void show_should_exit3_when_incidentUnknown() {
        Cli.Run r = drctl("show", "no-such-incident");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("no incident no-such-incident");
    }

    @Test
    void localSend_should_routeAsEventBridgeWould_andFollowWhatItStarted() {
        String samples = Paths.root().resolve("events").resolve("samples").resolve("cloudwatch").toString();
        // the alarm really fires, as when AWS emits the event: plan-rollback checks its state now (stale triggers are ignored)
        runtime.alarm(software.amazon.awssdk.services.cloudwatch.model.StateValue.ALARM, "Threshold Crossed");
        Thread ok = Thread.ofVirtual().start(() -> { // and clears once the rollback has landed, so the verify loop resolves
            try {
                while (!"6".equals(runtime.aliasVersion())) {
                    Thread.sleep(300);
                }
                runtime.alarm(software.amazon.awssdk.services.cloudwatch.model.StateValue.OK, "recovered");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Cli.Run r = Cli.run(stateFile, "local", "send", samples + "/lambda-errors-ok.json", samples + "/unprotected-function-alarm.json",
                samples + "/lambda-errors-alarm.json", "--now", "--follow", "--timeout", "120", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode sent = r.json();
        // the OK transition matches no rule: EventBridge would not deliver it, so the router never sees it
        assertThat(sent.get(0).path("outcome").asText()).isEqualTo("NOT_DELIVERED");
        assertThat(sent.get(0).path("rules")).isEmpty();
        // delivered, then refused by the router: the function is not opted in
        assertThat(sent.get(1).path("rules").toString()).contains("lambda-alarms");
        assertThat(sent.get(1).path("outcome").asText()).isNotIn("STARTED", "NOT_DELIVERED");
        assertThat(sent.get(2).path("outcome").asText()).isEqualTo("STARTED");
        assertThat(sent.get(2).path("playbook").asText()).isEqualTo("rollback-lambda-alias");
        assertThat(sent.get(2).path("execution").asText()).isEqualTo("SUCCEEDED");
        assertThat(runtime.aliasVersion()).isEqualTo("6");
        ok.interrupt();
    }

    @Test
    void localSend_should_recordAliasHistoryWithTheRecorder_andNotInvokeTheRouter_when_aliasChangeEvent() throws Exception {
        // GIVEN CloudTrail's UpdateAlias event for the estate's protected alias
        com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode)
                com.drresponder.common.Json.MAPPER.readTree(read("events/samples/cloudtrail/lambda-update-alias.json"));
        Path file = dir.resolve("update-alias.json");
        java.nio.file.Files.writeString(file, event.toString());
        runtime.emulator.clearRequests();

        // WHEN it is sent as EventBridge would deliver it
        Cli.Run r = Cli.run(stateFile, "local", "send", file.toString(), "-o", "json");

        // THEN the alias-history recorder recorded it, and the router was never invoked
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.json().get(0).path("rules").toString()).contains("lambda-alias-changes");
        assertThat(r.json().get(0).path("outcome").asText()).as(r.toString()).isEqualTo("RECORDED");
        String alias = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";
        assertThat(new com.drresponder.ledger.DynamoDbLedger(runtime.dynamo(), runtime.deployed.table()).aliasHistory(alias)).extracting(c -> c.source()).contains("cloudtrail");
        java.util.List<String> invoked = runtime.emulator.requests().stream().filter(q -> q.action().equals("Invoke")).map(q -> q.path()).toList();
        assertThat(invoked).isNotEmpty().allSatisfy(p -> assertThat(p).contains("alias-history-recorder").doesNotContain("incident-router"));
    }

    @Test
    void localSend_should_exit2_andSendNothing_when_aFileIsNoEvent() throws Exception {
        Path notAnEvent = dir.resolve("not-an-event.json");
        java.nio.file.Files.writeString(notAnEvent, "{\"alarmName\": \"checkout-api-live-errors\"}");
        String alarm = Paths.root().resolve("events/samples/cloudwatch/lambda-errors-alarm.json").toString();

        Cli.Run r = Cli.run(stateFile, "local", "send", alarm, notAnEvent.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("not-an-event.json: not an EventBridge event: no \"source\"");
        assertThat(drctl("incidents", "-o", "json").json().findValuesAsText("id")).isEmpty();
        assertThat(runtime.aliasVersion()).isEqualTo("7");
    }

    static long waits(LocalRuntime runtime) {
        return runtime.sfn().listExecutions(b -> b.stateMachineArn(runtime.deployed.stateMachineArns().get("rollback-lambda-alias")))
                .executions().stream().mapToLong(e -> runtime.sfn().getExecutionHistory(b -> b.executionArn(e.executionArn())).events()
                        .stream().filter(h -> h.typeAsString().equals("WaitStateEntered")).count()).sum();
    }

    static String read(String relative) {
        try {
            return java.nio.file.Files.readString(Paths.root().resolve(relative));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
