package com.drresponder.failover;

import com.drresponder.restore.RecoveryMetricsHandler;

/** fail-over-database step: the restore's recovery figures (RTO from detection, approval wait apart; RPO: the promoted replica's lag at planning). */
public final class FailoverMetricsHandler extends ReusedStep {
    public FailoverMetricsHandler() {
        super(new RecoveryMetricsHandler());
    }
}
