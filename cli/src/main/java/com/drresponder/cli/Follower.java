package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.TimelineEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Follows one playbook execution: polls GetExecutionHistory and prints a checklist of steps with the
 * time each took, says what a long wait is waiting for (the state's own Comment: a Wait state, a verify
 * loop, an approval), then the outcome and the incident's timeline.
 */
final class Follower {
    private static final Duration QUIET = Duration.ofSeconds(5);

    /** One state of the execution, however many times it ran. */
    static final class Step {
        final String name;
        final String type;
        int runs;
        Instant enteredAt;
        Duration total = Duration.ZERO;
        String outcome = "running";
        private int announcedRun;

        Step(String name, String type) {
            this.name = name;
            this.type = type;
        }

        /**
         * True once per run: a run still going is announced once, on re-entry or after a quiet spell, never both (a
         * backed-off Wait outlasts the quiet spell that let its re-entry be announced).
         */
        boolean announceRun() {
            if (announcedRun == runs) {
                return false;
            }
            announcedRun = runs;
            return true;
        }
    }

    /** What a followed execution came to. */
    record Result(String executionArn, String incidentId, ExecutionStatus status, String error, String cause, Duration elapsed,
                  Map<String, Step> steps, Map<String, JsonNode> states) {}

    private final Drctl cli;
    private final Target target;
    private final boolean live;
    private Duration timeout = Duration.ZERO;

    Follower(Drctl cli, Target target) {
        this(cli, target, !cli.json());
    }

    Follower(Drctl cli, Target target, boolean live) {
        this.cli = cli;
        this.target = target;
        this.live = live;
    }

    Follower timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Follows, prints, and maps the outcome to an exit code (0 succeeded, 1 otherwise). */
    int follow(String ref) {
        Result r = watch(ref);
        report(r);
        return r.status() == ExecutionStatus.SUCCEEDED ? Drctl.OK : Drctl.FAILED;
    }

    Result watch(String ref) {
        String executionArn;
        String incidentId;
        if (ref.startsWith("arn:")) {
            executionArn = ref;
            incidentId = null;
        } else {
            incidentId = ref;
            executionArn = awaitExecutionArn(ref);
        }
        DescribeExecutionResponse d = target.sfn().describeExecution(b -> b.executionArn(executionArn));
        if (incidentId == null) {
            incidentId = Json.text(ManualRequest.parse(d.input()), "incidentId");
        }
        Map<String, JsonNode> states = stateDefinitions(executionArn);
        if (live) {
            cli.out.printf("following %s%n  execution %s%n", incidentId == null ? d.name() : incidentId, executionArn);
        }
        Map<String, Step> steps = new LinkedHashMap<>();
        long lastEvent = 0;
        Step current = null;
        Instant lastPrint = Instant.now();
        Instant deadline = timeout.isZero() ? Instant.MAX : Instant.now().plus(timeout);
        String failure = null;
        while (true) {
            List<HistoryEvent> events = target.sfn().getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000))
                    .events().stream().toList();
            for (HistoryEvent e : events) {
                if (e.id() <= lastEvent) {
                    continue;
                }
                lastEvent = e.id();
                String type = e.typeAsString();
                if (type.endsWith("StateEntered")) {
                    String name = e.stateEnteredEventDetails().name();
                    Step s = steps.computeIfAbsent(name, n -> new Step(n, type.substring(0, type.length() - "StateEntered".length())));
                    s.runs++;
                    s.enteredAt = e.timestamp();
                    s.outcome = "running";
                    current = s;
                    if (live && (s.type.equals("Succeed") || s.type.equals("Fail"))) {
                        cli.out.printf("  %s %s%n", s.type.equals("Succeed") ? "[ok]" : "[xx]", name);
                        lastPrint = Instant.now();
                    } else if (live && s.runs > 1 && Duration.between(lastPrint, Instant.now()).compareTo(QUIET) >= 0 && s.announceRun()) {
                        cli.out.printf("  [..] %s again (run %d)%s%n", name, s.runs, waitingFor(states, s, incidentId));
                        lastPrint = Instant.now();
                    }
                } else if (type.endsWith("StateExited")) {
                    Step s = steps.get(e.stateExitedEventDetails().name());
                    if (s != null && s.enteredAt != null) {
                        s.total = s.total.plus(Duration.between(s.enteredAt, e.timestamp()));
                        if (!"failed".equals(s.outcome)) {
                            s.outcome = "done";
                        }
                        if (live && s.runs == 1 && shown(s)) {
                            cli.out.printf("  [ok] %-40s %s%n", s.name, Views.duration(s.total));
                            lastPrint = Instant.now();
                        }
                    }
                } else if (type.equals("TaskFailed") || type.equals("LambdaFunctionFailed") || type.equals("TaskTimedOut")) {
                    String error = e.taskFailedEventDetails() != null ? e.taskFailedEventDetails().error()
                            : e.lambdaFunctionFailedEventDetails() != null ? e.lambdaFunctionFailedEventDetails().error() : type;
                    if (current != null) {
                        current.outcome = "failed";
                        if (live) {
                            cli.out.printf("  [!!] %s: %s%n", current.name, error);
                            lastPrint = Instant.now();
                        }
                    }
                } else if (type.equals("ExecutionFailed") && e.executionFailedEventDetails() != null) {
                    failure = e.executionFailedEventDetails().error();
                }
            }
            d = target.sfn().describeExecution(b -> b.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                throw CliException.failed("still running after " + timeout.toSeconds() + " s: " + executionArn);
            }
            if (live && current != null && Duration.between(lastPrint, Instant.now()).compareTo(QUIET) >= 0 && current.announceRun()) {
                cli.out.printf("  [..] %s for %s%s%n", current.runs > 1 ? current.name + " (run " + current.runs + ")" : current.name,
                        Views.duration(Duration.between(current.enteredAt, Instant.now())), waitingFor(states, current, incidentId));
                lastPrint = Instant.now();
            }
            ManualRequest.sleep(target.isLocal() ? 300 : 2000);
        }
        Instant stop = d.stopDate() == null ? Instant.now() : d.stopDate();
        return new Result(executionArn, incidentId, d.status(), d.error() != null ? d.error() : failure, d.cause(),
                Duration.between(d.startDate(), stop), steps, states);
    }

    void report(Result r) {
        Optional<Incident> incident = r.incidentId() == null ? Optional.empty() : target.ledger().incident(r.incidentId());
        List<TimelineEntry> timeline = r.incidentId() == null ? List.of() : target.ledger().timeline(r.incidentId());
        if (cli.json()) {
            ObjectNode n = Json.object().put("executionArn", r.executionArn()).put("incidentId", r.incidentId())
                    .put("status", r.status().toString()).put("error", r.error()).put("cause", r.cause())
                    .put("elapsedMs", r.elapsed().toMillis());
            ArrayNode steps = n.putArray("steps");
            r.steps().values().forEach(s -> steps.addObject().put("name", s.name).put("type", s.type).put("runs", s.runs)
                    .put("elapsedMs", s.total.toMillis()).put("outcome", s.outcome));
            incident.ifPresent(i -> n.set("incident", Views.json(i)));
            n.set("timeline", Views.json(timeline));
            cli.out.println(n.toPrettyString());
            return;
        }
        r.steps().values().stream().filter(s -> s.runs > 1 && shown(s)).forEach(s ->
                cli.out.printf("  (loop) %-38s ran %d times, %s in all%s%n", s.name, s.runs, Views.duration(s.total),
                        s.type.equals("Wait") ? waitingFor(r.states(), s, r.incidentId()) : ""));
        cli.out.printf("outcome    %s in %s%s%n", r.status(), Views.duration(r.elapsed()),
                r.error() == null ? "" : ": " + r.error() + (r.cause() == null ? "" : " (" + Views.abbreviate(r.cause(), 160) + ")"));
        incident.ifPresent(i -> cli.out.printf("incident   %s is %s%n", i.id(), i.status()));
        if (!timeline.isEmpty()) {
            cli.out.println();
            Views.timeline(cli.out, timeline);
        }
    }

    private String awaitExecutionArn(String incidentId) {
        Instant deadline = Instant.now().plusSeconds(15);
        while (true) {
            Incident i = ShowCommand.find(target.ledger(), incidentId);
            if (i.executionArn() != null) {
                return i.executionArn();
            }
            if (Instant.now().isAfter(deadline)) {
                throw CliException.notFound("incident " + incidentId + " has no playbook execution (status " + i.status()
                        + "): nothing to follow; `drctl show " + incidentId + "` prints its timeline");
            }
            ManualRequest.sleep(500);
        }
    }

    private Map<String, JsonNode> stateDefinitions(String executionArn) {
        Map<String, JsonNode> states = new LinkedHashMap<>();
        try {
            String definition = target.sfn().describeStateMachineForExecution(b -> b.executionArn(executionArn)).definition();
            Json.MAPPER.readTree(definition).path("States").properties().forEach(e -> states.put(e.getKey(), e.getValue()));
        } catch (Exception e) {
            // Without the definition the checklist simply has no explanations.
        }
        return states;
    }

    private static boolean shown(Step s) {
        return !s.type.equals("Choice") && !s.type.equals("Pass") && !s.type.equals("Succeed") && !s.type.equals("Fail");
    }

    /** ": <Comment>" of the state, plus how to answer when it waits for a task token. */
    private static String waitingFor(Map<String, JsonNode> states, Step s, String incidentId) {
        JsonNode state = states.get(s.name);
        if (state == null) {
            return "";
        }
        String resource = state.path("Resource").asText("");
        String what = s.type.equals("Wait") ? "waiting " + describeWait(state) : "";
        if (resource.contains("waitForTaskToken")) {
            what = "waiting for a person: ./drctl approve " + (incidentId == null ? "<incident>" : incidentId) + " (or reject)";
        }
        String comment = state.path("Comment").asText("");
        String text = String.join(" - ", java.util.stream.Stream.of(what, comment).filter(x -> !x.isEmpty()).toList());
        return text.isEmpty() ? "" : ": " + text;
    }

    private static String describeWait(JsonNode state) {
        if (state.has("Seconds")) {
            return state.get("Seconds").asText() + " s";
        }
        if (state.has("SecondsPath")) {
            return "the seconds in " + state.get("SecondsPath").asText();
        }
        if (state.has("Timestamp") || state.has("TimestampPath")) {
            return "until a timestamp";
        }
        return "";
    }
}
