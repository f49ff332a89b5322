package com.drresponder.router;

import com.drresponder.events.RepositoryFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The playbook input the router would start for a sample event (its classifier's input plus what the router adds). */
public final class RoutedPlaybookInputs {
    private RoutedPlaybookInputs() {}

    public static ObjectNode guardDuty(String sample, String incidentId, boolean dryRun) {
        Classification c = new GuardDutyFindingClassifier(TestEvents.DEPLOYMENT, 7.0, FindingActions.DEFAULT).classify(EventEnvelope.parse(RepositoryFiles.read("events/samples/guardduty/" + sample)));
        if (!(c instanceof Classification.Decision d)) {
            throw new IllegalArgumentException(sample + " is not routed to a playbook: " + c);
        }
        ObjectNode input = d.input().deepCopy();
        input.put("incidentId", incidentId).put("lockKey", d.resource().lockKey()).put("severity", d.severity().name()).put("dryRun", dryRun);
        return input;
    }
}
