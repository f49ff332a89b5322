package com.drresponder.rollback;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/** {@link LambdaAliases} with GetAlias + ListVersionsByFunction: two calls, the minimum to plan. */
public final class AwsLambdaAliases implements LambdaAliases {
    private final LambdaClient lambda;

    public AwsLambdaAliases(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public AliasState read(String functionName, String alias) {
        GetAliasResponse a = lambda.getAlias(b -> b.functionName(functionName).name(alias));
        Map<String, Double> weights = a.routingConfig() == null || a.routingConfig().additionalVersionWeights() == null
                ? Map.of() : Map.copyOf(a.routingConfig().additionalVersionWeights());
        List<String> versions = lambda.listVersionsByFunctionPaginator(b -> b.functionName(functionName).maxItems(50))
                .versions().stream().map(v -> v.version()).filter(v -> !"$LATEST".equals(v)).toList();
        return new AliasState(a.aliasArn(), a.functionVersion(), a.revisionId(), weights, versions);
    }

    @Override
    public Map<String, String> tags(String functionArn) {
        return lambda.listTags(b -> b.resource(functionArn)).tags();
    }
}
