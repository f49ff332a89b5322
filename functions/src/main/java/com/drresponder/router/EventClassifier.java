package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ManualRequests;
import com.drresponder.admission.ResourceTags;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import java.util.function.Supplier;

/**
 * Routes each event, by source and detail-type, to the classifier that understands it, after checking
 * that it comes from the deployment's own account and region (a GuardDuty finding by the account and
 * region of the finding, which differ from the envelope's in a GuardDuty administrator account).
 */
final class EventClassifier {
    private final Deployment deployment;
    private final AlarmEventClassifier alarms;
    private final RdsEventClassifier rds;
    private final GuardDutyFindingClassifier guardDuty;
    private final ManualRequestClassifier manual;

    EventClassifier(Settings settings, Deployment deployment, ResourceTags tags, RdsTopology topology) {
        this.deployment = deployment;
        this.alarms = new AlarmEventClassifier(deployment, tags);
        this.rds = new RdsEventClassifier(deployment, settings.autoRestoreEventIds(), topology);
        this.guardDuty = new GuardDutyFindingClassifier(deployment, settings.guardDutyMinSeverity(), settings.findingActions());
        this.manual = new ManualRequestClassifier(new ManualRequests(deployment));
    }

    Classification classify(EventEnvelope event) {
        return switch (event.source() + "|" + event.detailType()) {
            case "aws.cloudwatch|CloudWatch Alarm State Change" -> own(event, () -> alarms.classify(event));
            case "aws.rds|RDS DB Cluster Event", "aws.rds|RDS DB Instance Event" -> own(event, () -> rds.classify(event));
            case "aws.guardduty|GuardDuty Finding" -> ownFinding(event, () -> guardDuty.classify(event));
            case "drresponder.manual|Manual Playbook Request" -> own(event, () -> manual.classify(event));
            // aws.* sources cannot be sent with PutEvents: only EventBridge's own schedule makes this event
            case "aws.events|Scheduled Event" -> own(event, Classification.DrainStarts::new);
            default -> new Classification.Reject("unsupported event: source \"" + event.source()
                    + "\", detail-type \"" + event.detailType() + "\"");
        };
    }

    private Classification own(EventEnvelope event, Supplier<Classification> classifier) {
        String foreign = deployment.foreignBecause(event.account(), event.region());
        return foreign == null ? classifier.get() : new Classification.Ignore(foreign);
    }

    /** A finding names the member account and region it is about; the envelope names the administrator's. */
    private Classification ownFinding(EventEnvelope event, Supplier<Classification> classifier) {
        String foreign = deployment.foreignBecause(Json.text(event.detail(), "accountId"), Json.text(event.detail(), "region"));
        return foreign == null ? classifier.get() : new Classification.Ignore("GuardDuty finding: " + foreign);
    }
}
