package com.drresponder.failover;

import com.drresponder.restore.VerifyDatabaseHandler;

/** fail-over-database step: the restore's SQL verification, against the promoted database. */
public final class VerifyPromotedHandler extends ReusedStep {
    public VerifyPromotedHandler() {
        super(new VerifyDatabaseHandler());
    }
}
