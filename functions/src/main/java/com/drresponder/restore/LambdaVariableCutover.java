package com.drresponder.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;

/**
 * A Lambda environment variable holding the endpoint or a URL. With an alias, consumers run the alias's
 * version: a version is published with the new value and the alias moved to it (undo: move it back); the
 * recorded version is the alias's. Without one, {@code $LATEST} changes and the recorded version is a
 * published copy of the old configuration; a function with aliases must name the one its consumers invoke.
 * Refused, before any change: an alias splitting traffic, and unpublished changes on {@code $LATEST}
 * (publishing would ship them too).
 */
record LambdaVariableCutover(Supplier<LambdaClient> lambda, String function, String variable, String alias, String incidentId)
        implements ConsumerCutover {
    private static final Duration UPDATE_POLL = Duration.ofSeconds(1);
    private static final int UPDATE_POLLS = 60;

    @Override
    public String plan() {
        if (alias == null) {
            List<String> aliases = lambda.get().listAliases(r -> r.functionName(function)).aliases().stream().map(AliasConfiguration::name).toList();
            if (!aliases.isEmpty()) {
                throw new CutoverRefusedException("function " + function + " has aliases " + aliases + ": changing $LATEST moves nobody behind one;"
                        + " name the alias its consumers invoke (cutoverConfig.alias)");
            }
            requireVariable(latest(), "$LATEST");
            // the old configuration is kept in a published version, so the value never enters state
            return lambda.get().publishVersion(r -> r.functionName(function).description("before DR cut-over " + incidentId + " of " + variable)).version();
        }
        AliasConfiguration a = aliasNow();
        FunctionConfiguration inUse = configuration(a.functionVersion());
        requireVariable(inUse, "version " + a.functionVersion());
        requireNoUnpublishedChanges(inUse, variables(inUse), null);
        return a.functionVersion();
    }

    @Override
    public ObjectNode apply(String previousVersion, String endpoint, String port) {
        FunctionConfiguration old = configuration(previousVersion);
        Map<String, String> oldVariables = requireVariable(old, "version " + previousVersion);
        String oldValue = oldVariables.get(variable);
        Map<String, String> wanted = new HashMap<>(oldVariables);
        wanted.put(variable, ConfigCutoverHandler.replaceHost(oldValue, endpoint));
        String oldHost = ConfigCutoverHandler.host(oldValue);
        if (alias == null) {
            Map<String, String> latest = variables(latest());
            if (!latest.equals(wanted)) {
                requireNoUnpublishedChanges(old, oldVariables, wanted);
                updateLatest(wanted);
            }
            return ConfigCutoverHandler.result("lambda", function, oldHost, endpoint, null, null, previousVersion, "$LATEST",
                    "set " + variable + " of " + function + " back to its value in version " + previousVersion + " (aws lambda get-function-configuration --function-name "
                            + function + " --qualifier " + previousVersion + ", then aws lambda update-function-configuration keeping the other variables)");
        }
        AliasConfiguration a = aliasNow();
        String newVersion;
        if (a.functionVersion().equals(previousVersion)) {
            requireNoUnpublishedChanges(old, oldVariables, wanted);
            if (!variables(latest()).equals(wanted)) {
                updateLatest(wanted);
            }
            // CodeSha256: publish only the code the alias runs now; RevisionId: move the alias only if nobody else did
            newVersion = lambda.get().publishVersion(r -> r.functionName(function).codeSha256(old.codeSha256())
                    .description("DR cut-over " + incidentId + ": " + variable + " -> " + endpoint)).version();
            lambda.get().updateAlias(r -> r.functionName(function).name(alias).functionVersion(newVersion).revisionId(a.revisionId()));
        } else {
            FunctionConfiguration now = configuration(a.functionVersion());
            if (!Objects.equals(now.codeSha256(), old.codeSha256()) || !variables(now).equals(wanted)) {
                throw new CutoverRefusedException("alias " + alias + " of " + function + " moved from version " + previousVersion + " to "
                        + a.functionVersion() + " since the cut-over was recorded, and not by this cut-over: not moving it");
            }
            newVersion = a.functionVersion(); // a retry: the alias already runs our version
        }
        return ConfigCutoverHandler.result("lambda", function + ":" + alias, oldHost, endpoint, null, null, previousVersion, newVersion,
                "aws lambda update-alias --function-name " + function + " --name " + alias + " --function-version " + previousVersion);
    }

    private AliasConfiguration aliasNow() {
        var a = lambda.get().getAlias(r -> r.functionName(function).name(alias));
        if (a.routingConfig() != null && a.routingConfig().hasAdditionalVersionWeights() && !a.routingConfig().additionalVersionWeights().isEmpty()) {
            throw new CutoverRefusedException("alias " + alias + " of " + function + " splits traffic between versions " + a.functionVersion() + " and "
                    + a.routingConfig().additionalVersionWeights().keySet() + " (a deployment in progress?): moving it would end that; not moving it");
        }
        return AliasConfiguration.builder().name(a.name()).functionVersion(a.functionVersion()).revisionId(a.revisionId()).build();
    }

    /**
     * {@code $LATEST} must hold the alias's code and the old (or, on a retry, the wanted) variables: anything else
     * is someone's unpublished change, which a published version would ship.
     */
    private void requireNoUnpublishedChanges(FunctionConfiguration inUse, Map<String, String> oldVariables, Map<String, String> wanted) {
        FunctionConfiguration latest = latest();
        Map<String, String> latestVariables = variables(latest);
        boolean sameCode = Objects.equals(latest.codeSha256(), inUse.codeSha256()) && Objects.equals(latest.handler(), inUse.handler())
                && Objects.equals(latest.runtime(), inUse.runtime()) && Objects.equals(latest.memorySize(), inUse.memorySize())
                && Objects.equals(latest.timeout(), inUse.timeout());
        if (!sameCode || !(latestVariables.equals(oldVariables) || latestVariables.equals(wanted))) {
            throw new CutoverRefusedException("$LATEST of " + function + " has unpublished changes against version " + inUse.version()
                    + (sameCode ? " (environment)" : " (code or settings)") + ": publishing would ship them; not moving it");
        }
    }

    private Map<String, String> requireVariable(FunctionConfiguration c, String which) {
        Map<String, String> vars = variables(c);
        if (!vars.containsKey(variable)) {
            throw new CutoverRefusedException(which + " of " + function + " has no variable " + variable + ": its code does not read the endpoint from it");
        }
        return vars;
    }

    private void updateLatest(Map<String, String> wanted) {
        var updated = lambda.get().updateFunctionConfiguration(r -> r.functionName(function).environment(e -> e.variables(wanted)));
        LastUpdateStatus status = updated.lastUpdateStatus();
        // Lambda applies a configuration change asynchronously; a version can be published only once it is done
        for (int i = 0; status == LastUpdateStatus.IN_PROGRESS && i < UPDATE_POLLS; i++) {
            sleep();
            status = latest().lastUpdateStatus();
        }
        if (status == LastUpdateStatus.IN_PROGRESS || status == LastUpdateStatus.FAILED) {
            throw new IllegalStateException("the configuration update of " + function + " is " + status);
        }
    }

    private FunctionConfiguration latest() {
        return configuration("$LATEST");
    }

    private FunctionConfiguration configuration(String qualifier) {
        GetFunctionConfigurationResponse r = lambda.get().getFunctionConfiguration(q -> q.functionName(function).qualifier(qualifier));
        return FunctionConfiguration.builder().version(r.version()).codeSha256(r.codeSha256()).handler(r.handler()).runtime(r.runtime())
                .memorySize(r.memorySize()).timeout(r.timeout()).environment(r.environment() == null ? null
                        : software.amazon.awssdk.services.lambda.model.EnvironmentResponse.builder().variables(r.environment().variables()).build())
                .lastUpdateStatus(r.lastUpdateStatus()).build();
    }

    private static Map<String, String> variables(FunctionConfiguration c) {
        return c.environment() == null || c.environment().variables() == null ? Map.of() : c.environment().variables();
    }

    private static void sleep() {
        try {
            Thread.sleep(UPDATE_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the configuration update", e);
        }
    }
}
