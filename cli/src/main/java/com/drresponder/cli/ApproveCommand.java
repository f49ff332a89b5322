package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.incident.TimelineEntry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Approves the step a playbook is waiting on: the task token is read from the incident timeline (the
 * approval step records it, e.g. {@code taskToken=<token>} or {@code --task-token <token>} in the
 * detail of an "Awaiting approval" / "Approval requested" entry) and answered with SendTaskSuccess.
 */
@Command(name = "approve", description = "Approve the step an incident's playbook waits on (SendTaskSuccess with the token from its timeline).")
class ApproveCommand implements Callable<Integer> {
    private static final Pattern TOKEN = Pattern.compile("(?:taskToken=|--task-token\\s+)([A-Za-z0-9+/=_\\-.:]+)");

    @ParentCommand Drctl cli;
    @Parameters(paramLabel = "INCIDENT", description = "Incident id.") String incidentId;
    @Option(names = "--reason", description = "Why (recorded as the task output or failure cause).") String reason;

    boolean approve() {
        return true;
    }

    @Override
    public Integer call() {
        Target target = cli.target();
        ShowCommand.find(target.ledger(), incidentId);
        String token = taskToken(target.ledger().timeline(incidentId)).orElseThrow(() -> CliException.notFound(
                "incident " + incidentId + " is not waiting for approval: its timeline has no \"Awaiting approval\" entry with a task token "
                        + "(only playbooks started with an approval step, such as `drctl restore --approval`, wait for one)"));
        String who = System.getProperty("user.name", "operator");
        if (approve()) {
            String output = Json.object().put("approved", true).put("by", who).put("via", "drctl").put("reason", reason).toString();
            target.sfn().sendTaskSuccess(b -> b.taskToken(token).output(output));
        } else {
            target.sfn().sendTaskFailure(b -> b.taskToken(token).error("Rejected")
                    .cause("rejected by " + who + " via drctl" + (reason == null ? "" : ": " + reason)));
        }
        if (cli.json()) {
            cli.out.println(Json.object().put("incidentId", incidentId).put("decision", approve() ? "approved" : "rejected").toPrettyString());
        } else {
            cli.out.println((approve() ? "approved" : "rejected") + " " + incidentId + "; follow it: ./drctl "
                    + (target.isLocal() ? "--local " : "") + "follow " + incidentId);
        }
        return Drctl.OK;
    }

    /** The newest task token on the timeline. */
    static Optional<String> taskToken(List<TimelineEntry> timeline) {
        for (int i = timeline.size() - 1; i >= 0; i--) {
            TimelineEntry e = timeline.get(i);
            if (e.detail() == null) {
                continue;
            }
            Matcher m = TOKEN.matcher(e.detail());
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }
}
