package com.drresponder.failover;

import com.drresponder.restore.ConfigCutoverHandler;

/** fail-over-database step: the restore's configuration cut-over, pointing consumers at the promoted database. */
public final class FailoverConfigCutoverHandler extends ReusedStep {
    public FailoverConfigCutoverHandler() {
        super(new ConfigCutoverHandler());
    }
}
