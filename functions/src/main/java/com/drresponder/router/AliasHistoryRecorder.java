package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectionPolicy;
import com.drresponder.admission.ResourceTags;
import com.drresponder.common.Settings;
import com.drresponder.ledger.Ledger;

/**
 * Remembers deployments of protected aliases (CloudTrail UpdateAlias / CreateAlias) as alias history, for the
 * rollback planner. Its own function and rule, apart from the router: account-wide deploy traffic must never compete
 * with incident routing for the router's reserved concurrency. Opt-in as for incidents: unprotected aliases are ignored.
 */
public final class AliasHistoryRecorder {
    private final Deployment deployment;
    private final AliasChangeClassifier classifier;
    private final ProtectionPolicy protection;
    private final Ledger ledger;

    public AliasHistoryRecorder(Settings settings, Deployment deployment, ResourceTags tags, Ledger ledger) {
        this.deployment = deployment;
        this.classifier = new AliasChangeClassifier(deployment);
        this.protection = ProtectionPolicy.of(tags, settings);
        this.ledger = ledger;
    }

    public RouterResult record(String eventJson) {
        return EventEnvelope.parseThen(eventJson, this::record);
    }

    private RouterResult record(EventEnvelope event) {
        if (!"aws.lambda".equals(event.source()) || !"AWS API Call via CloudTrail".equals(event.detailType())) {
            return RouterResult.rejected("not a Lambda CloudTrail event: source \"" + event.source() + "\", detail-type \"" + event.detailType() + "\"");
        }
        String foreign = deployment.foreignBecause(event.account(), event.region());
        if (foreign != null) {
            return RouterResult.ignored(foreign);
        }
        return switch (classifier.classify(event)) {
            case Classification.RecordAliasChange r -> record(r);
            case Classification.Ignore i -> RouterResult.ignored(i.reason());
            case Classification.Reject r -> RouterResult.rejected(r.error());
            case Classification c -> RouterResult.rejected("unexpected classification " + c);
        };
    }

    private RouterResult record(Classification.RecordAliasChange r) {
        ProtectionPolicy.Verdict verdict = protection.check(r.resource());
        if (verdict.notProtectedBecause().isPresent()) {
            return RouterResult.ignored("not protected: " + verdict.notProtectedBecause().get());
        }
        ledger.recordAliasChange(r.change());
        return new RouterResult(RouterResult.Outcome.RECORDED, null, null, r.resource().lockKey(), null,
                "alias " + r.resource().displayName() + " -> version " + r.change().version());
    }
}
