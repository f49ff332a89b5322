package com.drresponder.failover;

import com.drresponder.restore.RequestApprovalHandler;

/** fail-over-database step: the restore's approval gate (task token in the ledger, drctl approve/reject), before the promotion. */
public final class RequestFailoverApprovalHandler extends ReusedStep {
    public RequestFailoverApprovalHandler() {
        super(new RequestApprovalHandler());
    }
}
