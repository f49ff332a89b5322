package com.drresponder.router;

import com.drresponder.common.Settings;

/** Routes each event, by source and detail-type, to the classifier that understands it. */
final class EventClassifier {
    private final AlarmEventClassifier alarms;
    private final RdsEventClassifier rds;
    private final GuardDutyFindingClassifier guardDuty;
    private final ManualRequestClassifier manual = new ManualRequestClassifier();
    private final AliasChangeClassifier aliasChanges = new AliasChangeClassifier();

    EventClassifier(Settings settings, ResourceTags tags, RdsTopology topology) {
        this.alarms = new AlarmEventClassifier(tags);
        this.rds = new RdsEventClassifier(settings.autoRestoreEventIds(), topology);
        this.guardDuty = new GuardDutyFindingClassifier(settings.guardDutyMinSeverity());
    }

    Classification classify(EventEnvelope event) {
        return switch (event.source() + "|" + event.detailType()) {
            case "aws.cloudwatch|CloudWatch Alarm State Change" -> alarms.classify(event);
            case "aws.rds|RDS DB Cluster Event", "aws.rds|RDS DB Instance Event" -> rds.classify(event);
            case "aws.guardduty|GuardDuty Finding" -> guardDuty.classify(event);
            case "drresponder.manual|Manual Playbook Request" -> manual.classify(event);
            case "aws.lambda|AWS API Call via CloudTrail" -> aliasChanges.classify(event);
            default -> new Classification.Reject("unsupported event: source \"" + event.source()
                    + "\", detail-type \"" + event.detailType() + "\"");
        };
    }
}
