package com.drresponder.infra;

import static com.drresponder.infra.Permissions.NO_RESOURCE_LEVEL;
import static com.drresponder.infra.Permissions.READ_ONLY_LOOKUP;
import static com.drresponder.infra.Permissions.TAG_SCOPED;
import static com.drresponder.infra.Permissions.arn;

import com.drresponder.catalog.Catalog;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.IRole;

/**
 * rollback-lambda-alias: an alarm on a Lambda alias (or a manual request) points the alias back at its last known-good
 * version. Planning reads tagged functions, the health check reads alarms and metrics, the state machine moves the
 * alias; only functions tagged protected.
 */
public final class RollbackPlaybook extends PlaybookConstruct {
    public static final String NAME = "rollback-lambda-alias";

    RollbackPlaybook(ResponderCore core, Catalog.Playbook playbook) {
        super(core, playbook);
        allow(function("plan-rollback").role(), List.of("lambda:GetAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction",
                        "lambda:GetFunctionConfiguration", "lambda:ListTags"),
                List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        // freshness: is the alarm that started it still in ALARM? (alarm names come from events, not known at deploy time)
        allow(function("plan-rollback").role(), List.of("cloudwatch:DescribeAlarms"), List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
        // alias history: the recorder reads the opt-in tag of the function whose alias changed
        allow(function("alias-history-recorder").role(), List.of("lambda:ListTags"), List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        IRole check = function("check-alarm").role();
        allow(check, List.of("cloudwatch:DescribeAlarms"), List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
        allow(check, List.of("cloudwatch:GetMetricData"), List.of("*"), null, NO_RESOURCE_LEVEL);

        IRole role = deploy(Map.of()).getRole();
        // read versions, move the alias
        allow(role, List.of("lambda:GetAlias", "lambda:UpdateAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction",
                        "lambda:GetFunctionConfiguration", "lambda:ListTags"),
                List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("cloudwatch:DescribeAlarms"), List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
        // a CodeDeploy-managed alias: find the in-flight deployment and stop it with rollback instead of fighting it
        // (GetDeployment: after a StopDeployment whose answer was lost, is the deployment stopped?)
        allow(role, List.of("codedeploy:ListDeployments", "codedeploy:GetDeployment"), List.of(arn("codedeploy", "deploymentgroup:*/*")),
                null, CODEDEPLOY_GROUPS);
        allow(role, List.of("codedeploy:StopDeployment"), List.of("*"), null, CODEDEPLOY_STOP);
    }

    private static final String CODEDEPLOY_GROUPS = "The CodeDeploy deployment group of a protected function is named by that "
            + "function's dr:codedeploy-group tag, not known at deploy time; only listing its deployments and reading one is allowed here.";
    private static final String CODEDEPLOY_STOP = "codedeploy:StopDeployment supports no resource-level permissions; the playbook "
            + "stops only a deployment it found in flight in the protected function's own deployment group, with rollback.";
}
