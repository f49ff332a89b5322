package com.drresponder.failover;

import com.drresponder.restore.ApprovalDecisionHandler;

/** fail-over-database step: the restore's strict reading of the approval answer. */
public final class FailoverApprovalDecisionHandler extends ReusedStep {
    public FailoverApprovalDecisionHandler() {
        super(new ApprovalDecisionHandler());
    }
}
