package com.drresponder.failover;

import com.drresponder.restore.RecoveryMetricsHandler;

/** fail-over-database step: the restore's RTO/RPO measurement (RPO: the lag at promotion). */
public final class FailoverMetricsHandler extends ReusedStep {
    public FailoverMetricsHandler() {
        super(new RecoveryMetricsHandler());
    }
}
