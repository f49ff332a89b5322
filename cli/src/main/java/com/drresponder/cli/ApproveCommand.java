package com.drresponder.cli;

import com.drresponder.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Approves the step a playbook is waiting on: the task token is read from the ledger's approval item (the
 * approval step keeps it there and nowhere people read: not the timeline, not notifications) and answered
 * with SendTaskSuccess {@code {"approved": true, "approver": <caller ARN>, "reason"}}. The approver is the
 * caller's identity from STS GetCallerIdentity, so the timeline says who approved.
 */
@Command(name = "approve", description = "Approve the step an incident's playbook waits on (SendTaskSuccess with the token the approval step keeps in the ledger).")
class ApproveCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Parameters(paramLabel = "INCIDENT", description = "Incident id.") String incidentId;
    @Option(names = "--reason", description = "Why (recorded on the timeline with who decided).") String reason;
    @Option(names = "--allow-data-loss", description = "Approve a failover that loses the changes not yet replicated (an Aurora Global "
            + "Database failover or detach): without it such an approval is a refusal; any other step refuses an answer that has it.")
    boolean allowDataLoss;

    boolean approve() {
        return true;
    }

    @Override
    public Integer call() {
        Target target = cli.target();
        ShowCommand.find(target.ledger(), incidentId);
        String token = target.ledger().approvalToken(incidentId).orElseThrow(() -> CliException.notFound(
                "incident " + incidentId + " is not waiting for approval: the ledger holds no task token for it "
                        + "(only restores whose cut-over needs approval wait for one, e.g. `drctl restore --approval` or a rename/config cut-over)"));
        String who = callerArn(target);
        if (approve()) {
            var answer = Json.object().put("approved", true).put("approver", who).put("reason", reason);
            if (allowDataLoss) {
                answer.put("allowDataLoss", true);
            }
            String output = answer.toString();
            target.sfn().sendTaskSuccess(b -> b.taskToken(token).output(output));
        } else {
            target.sfn().sendTaskFailure(b -> b.taskToken(token).error("Rejected")
                    .cause("rejected by " + who + " via drctl" + (reason == null ? "" : ": " + reason)));
        }
        if (cli.json()) {
            cli.out.println(Json.object().put("incidentId", incidentId).put("decision", approve() ? "approved" : "rejected")
                    .put("by", who).toPrettyString());
        } else {
            cli.out.println((approve() ? "approved" : "rejected") + " " + incidentId + " as " + who + "; follow it: ./drctl "
                    + (target.isLocal() ? "--local " : "") + "follow " + incidentId);
        }
        return Drctl.OK;
    }

    /** Who is deciding, as AWS authenticates the caller (also what CloudTrail records for SendTaskSuccess). */
    static String callerArn(Target target) {
        try (StsClient sts = target.client(StsClient.builder())) {
            return sts.getCallerIdentity().arn();
        }
    }
}
