package com.drresponder.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one list of the responder's playbooks and functions. The CDK stack, the local deployment, the
 * functions' {@code Settings}, execution naming, drctl and the test deployers all take names from here;
 * adding a playbook is one {@link Playbook} entry (plus its ASL, rules, handlers and the stack's grants).
 *
 * @param sharedSteps functions every playbook's state machine invokes (record-step)
 * @param router      the function every rule targets; deployed last, with each playbook's state machine ARN
 * @param coreFunctions functions of the core that no state machine invokes (the finaliser: EventBridge invokes it)
 * @param coreRules   rules under {@code events/rules/} that belong to no single playbook (manual requests)
 * @param environment the contract variables every function gets (docs/CONTRACTS.md)
 * @param playbooks   the playbooks, each with its own functions
 */
public record Catalog(List<Function> sharedSteps, Function router, List<Function> coreFunctions, List<String> coreRules, List<String> environment,
                      List<Playbook> playbooks) {

    /** Powertools metrics namespace of every function. */
    public static final String METRICS_NAMESPACE = "DrResponder";

    /**
     * The most checks (5 s apart) a deployment may give a rotation before it counts as stuck ({@code ROTATION_MAX_CHECKS},
     * config {@code rotationMaxChecks}): 10 minutes a pass. The credential playbook's timeout is sized for it.
     */
    public static final int MAX_ROTATION_CHECKS = 120;

    /** Lambda's default timeout for a step, in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    /** What a function's role needs beyond its own service grants (those stay with the stack's playbook code). */
    public enum Need { LEDGER, NOTIFY, DATABASE_NETWORK }

    /**
     * One Java function.
     *
     * @param name           service name: the function's name locally, POWERTOOLS_SERVICE_NAME, the stack's key
     * @param logicalId      CDK construct id; a step's ASL refers to it as {@code ${<logicalId>FunctionArn}}
     * @param handler        {@code class::method}
     * @param step           a Task of its playbook's ASL (false: invoked by an AWS service or by rules)
     * @param rules          rules (of its playbook) whose events go to this function itself rather than to the router
     */
    public record Function(String name, String logicalId, String handler, String description, int timeoutSeconds,
                           Set<Need> needs, boolean step, List<String> rules) {
        public Function {
            needs = Set.copyOf(needs);
            rules = List.copyOf(rules);
        }

        /** A function no rule targets directly. */
        public Function(String name, String logicalId, String handler, String description, int timeoutSeconds, Set<Need> needs, boolean step) {
            this(name, logicalId, handler, description, timeoutSeconds, needs, step, List.of());
        }

        /** The substitution name a step's ARN is supplied under. */
        public String substitution() {
            return logicalId + "FunctionArn";
        }
    }

    /**
     * One playbook.
     *
     * @param name       {@code statemachines/<name>.asl.json}, the state machine's name, the request's {@code playbook}
     * @param shortName  execution-name prefix; the router's {@code <SHORT_NAME>_STATE_MACHINE_ARN}
     * @param timeoutSeconds the state machine's top-level {@code TimeoutSeconds} ({@link DeployableAsl} adds it; the ASL
     *                   file never sets it): the longest run its configuration allows, plus an hour. Past it Step
     *                   Functions ends the execution as TIMED_OUT and the finaliser records it, notifies and releases
     *                   the lock
     * @param rules      {@code events/rules/<rule>.json} files whose events start it (through the router)
     * @param parameters substitutions besides step ARNs that its ASL uses; each deployment supplies a value for each
     * @param functions  its own functions (the shared steps come on top)
     */
    public record Playbook(String name, String shortName, int timeoutSeconds, List<String> rules, List<String> parameters,
                           List<Function> functions) {
        public Playbook {
            if (timeoutSeconds <= 0) {
                throw new IllegalArgumentException("playbook " + name + " needs a positive timeoutSeconds, got " + timeoutSeconds);
            }
            rules = List.copyOf(rules);
            parameters = List.copyOf(parameters);
            functions = List.copyOf(functions);
        }

        public String stateMachineFile() {
            return name + ".asl.json";
        }

        /** {@code rollback-lambda-alias} -> {@code RollbackLambdaAlias}: the state machine's construct id. */
        public String pascalName() {
            return pascalCase(name);
        }

        /** The stack output holding the state machine ARN (drctl reads it). */
        public String stateMachineOutput() {
            return pascalName() + "StateMachineArn";
        }

        /** The router's variable holding this playbook's state machine ARN. */
        public String stateMachineEnvVar() {
            return shortName.replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(Locale.ROOT) + "_STATE_MACHINE_ARN";
        }
    }

    /** {@code lambda-alarms} -> {@code LambdaAlarms}: construct ids and output names from kebab-case names. */
    public static String pascalCase(String kebab) {
        StringBuilder out = new StringBuilder();
        for (String part : kebab.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    public Catalog {
        sharedSteps = List.copyOf(sharedSteps);
        coreFunctions = List.copyOf(coreFunctions);
        coreRules = List.copyOf(coreRules);
        environment = List.copyOf(environment);
        playbooks = List.copyOf(playbooks);
        Set<String> names = new LinkedHashSet<>();
        Set<String> shortNames = new LinkedHashSet<>();
        for (Playbook p : playbooks) {
            if (!names.add(p.name()) || !shortNames.add(p.shortName())) {
                throw new IllegalArgumentException("playbook " + p.name() + " (" + p.shortName() + ") is in the catalog twice");
            }
            p.functions().stream().filter(f -> !p.rules().containsAll(f.rules())).findFirst().ifPresent(f -> {
                throw new IllegalArgumentException("function " + f.name() + " targets rules " + f.rules() + " that playbook " + p.name() + " does not have");
            });
        }
        Map<String, Function> byName = new LinkedHashMap<>();
        for (Function f : allFunctions(sharedSteps, coreFunctions, router, playbooks)) {
            if (byName.put(f.name(), f) != null) {
                throw new IllegalArgumentException("function " + f.name() + " is in the catalog twice");
            }
        }
    }

    // ------------------------------------------------------------------ the responder

    private static final Set<Need> LEDGER = Set.of(Need.LEDGER);
    private static final Set<Need> LEDGER_NOTIFY = Set.of(Need.LEDGER, Need.NOTIFY);
    private static final Set<Need> DATABASE = Set.of(Need.DATABASE_NETWORK);

    private static Function step(String name, String logicalId, String handler, String description, Set<Need> needs) {
        return new Function(name, logicalId, handler + "::handleRequest", "DR Responder: " + description, DEFAULT_TIMEOUT_SECONDS, needs, true);
    }

    private static Function restoreStep(String name, String logicalId, String handlerClass, String description, Set<Need> needs) {
        // restore steps poll RDS and write timelines: a minute each
        return new Function(name, logicalId, "com.drresponder.restore." + handlerClass + "::handleRequest",
                "DR Responder: " + description, 60, needs, true);
    }

    private static Function failoverStep(String name, String logicalId, String handlerClass, String description, Set<Need> needs) {
        // failover steps poll RDS and write timelines, as the restore's do: a minute each
        return new Function(name, logicalId, "com.drresponder.failover." + handlerClass + "::handleRequest",
                "DR Responder: " + description, 60, needs, true);
    }

    /** DR Responder's playbooks and functions. */
    public static final Catalog RESPONDER = new Catalog(
            List.of(step("record-step", "RecordStep", "com.drresponder.timeline.RecordStepHandler",
                    "records a playbook step on the incident timeline and notifies", LEDGER_NOTIFY)),
            new Function("incident-router", "IncidentRouter", "com.drresponder.router.IncidentRouterHandler::handleRequest",
                    "DR Responder: classifies alarms, RDS events and findings and starts playbooks", DEFAULT_TIMEOUT_SECONDS,
                    LEDGER_NOTIFY, false),
            List.of(new Function("finaliser", "Finaliser", "com.drresponder.lifecycle.FinaliserHandler::handleRequest",
                    "DR Responder: records, releases and announces playbook executions that ended outside their own states",
                    DEFAULT_TIMEOUT_SECONDS, LEDGER_NOTIFY, false)),
            List.of("manual-requests"),
            List.of("LEDGER_TABLE", "TOPIC_ARN", "DR_MODE", "PROTECTION_TAG_KEY", "PROTECTED_RESOURCES", "DR_ACCOUNT_ID",
                    "DR_PARTITION", "GUARDDUTY_MIN_SEVERITY", "FINDING_ACTIONS", "LAMBDA_RTO_TARGET_MINUTES", "VERIFY_WINDOW_SECONDS",
                    "VERIFY_POLL_SECONDS", "ALARM_MAX_AGE_SECONDS", "MAX_ROLLBACKS_PER_HOUR",
                    "ROLLBACK_COOLDOWN_MINUTES", "CREDENTIAL_COOLDOWN_MINUTES", "RESTORE_WITHOUT_APPROVAL", "WAF_SAFELIST",
                    "LOCK_TTL_SECONDS", "AUTO_RESTORE_EVENT_IDS", "PASSWORD_LENGTH", "EXCLUDE_CHARACTERS", "MUTATING_STARTS_PER_MINUTE",
                    "BLOCK_HOURS", "WAF_MAX_BLOCKS_PER_INCIDENT", "ROTATION_MAX_CHECKS", "FAILOVER_REGIONS", "SNAPSHOT_RETENTION_DAYS"),
            List.of(
                    // timeout: verify window (verifyWindowMinutes, at most 1440 min) + plan, update, record and re-plan: 24 h + 1 h
                    new Playbook("rollback-lambda-alias", "rollback", 90_000, List.of("lambda-alarms", "lambda-alias-changes"), List.of(), List.of(
                            step("plan-rollback", "PlanRollback", "com.drresponder.rollback.PlanRollbackHandler",
                                    "picks the last known-good Lambda version to roll an alias back to", LEDGER),
                            step("check-alarm", "CheckAlarm", "com.drresponder.rollback.CheckAlarmHandler",
                                    "checks the health alarm after a rollback", LEDGER),
                            step("record-rollback", "RecordRollback", "com.drresponder.rollback.RecordRollbackHandler",
                                    "remembers the bad version and the new alias state, marks the incident mitigated", LEDGER_NOTIFY),
                            // account-wide deploy traffic: kept off the router, so it never takes the router's reserved concurrency
                            new Function("alias-history-recorder", "AliasHistoryRecorder", "com.drresponder.router.AliasHistoryHandler::handleRequest",
                                    "DR Responder: remembers protected aliases' deployments (CloudTrail UpdateAlias/CreateAlias) for rollback planning",
                                    DEFAULT_TIMEOUT_SECONDS, LEDGER, false, List.of("lambda-alias-changes")))),
                    // timeout: each secret 2 passes x MAX_ROTATION_CHECKS (120) checks x 5 s wait = 20 min, 5 at a time; up to
                    // 150 secrets in 10 h + containment and verification: 11 h
                    new Playbook("respond-to-credential-compromise", "credentials", 39_600, List.of("guardduty-findings"),
                            List.of("WafIpSetName", "WafIpSetId", "WafIpSet6Name", "WafIpSet6Id", "WafScope"), List.of(
                            // Secrets Manager invokes it; RotateSecret names it, so the state machine may invoke it too.
                            new Function("secret-rotation", "SecretRotation", "com.drresponder.credentials.PostgresRotationHandler::handleRequest",
                                    "DR Responder: Secrets Manager rotation for PostgreSQL (single user and alternating users)",
                                    DEFAULT_TIMEOUT_SECONDS, DATABASE, false),
                            step("resolve-credential-targets", "ResolveTargets", "com.drresponder.credentials.ResolveTargetsHandler",
                                    "resolves the opted-in secrets and principals a finding or request names; claims their cooldowns", LEDGER),
                            step("check-rotation", "CheckRotation", "com.drresponder.credentials.CheckRotationHandler",
                                    "waits for a rotation to finish (AWSCURRENT moved, no AWSPENDING left); renews the lease", LEDGER),
                            step("merge-ip-set", "MergeIpSet", "com.drresponder.credentials.MergeIpSetHandler",
                                    "blocks finding IPs in the WAF block lists, and removes them again when their block expires", LEDGER),
                            step("verify-rotation", "VerifyRotation", "com.drresponder.credentials.VerifyRotationHandler",
                                    "proves the new password works and the old one no longer does", DATABASE))),
                    // timeout: approval wait (24 h, the Request approval task's TimeoutSeconds) + six phases armed with
                    // timeoutMinutes (at most 1440 min each: snapshot, restore, deletion or final snapshot, source rename,
                    // restored rename, undo) + 1 h
                    new Playbook("restore-database-to-point-in-time", "restore", 694_800, List.of("rds-events", "rds-wait-events"),
                            List.of("RtoTargetMinutes", "RpoTargetMinutes"), List.of(
                            restoreStep("validate-restore", "ValidateRestore", "ValidateRestoreHandler",
                                    "checks the source, the restore window and the target name; plans what to copy", Set.of()),
                            restoreStep("check-progress", "CheckProgress", "CheckProgressHandler",
                                    "polls snapshots, restored databases and renames until available or past the deadline; renews the lease", LEDGER),
                            // a step (Wait for RDS keeps its task token) and the target of the RDS events that resume it
                            new Function("rds-wait", "RdsWait", "com.drresponder.restore.RdsWaitHandler::handleRequest",
                                    "DR Responder: keeps the restore's wait for an RDS resource and resumes it on the RDS event, once RDS says it is ready",
                                    60, LEDGER, true, List.of("rds-wait-events")),
                            // runs the configured SQL checks against a freshly restored database: minutes
                            new Function("verify-database", "VerifyDatabase", "com.drresponder.restore.VerifyDatabaseHandler::handleRequest",
                                    "DR Responder: runs the verification SQL against the restored database", 300, DATABASE, true),
                            restoreStep("request-approval", "RequestApproval", "RequestApprovalHandler",
                                    "keeps the approval task token in the ledger and asks people to approve the cut-over", LEDGER_NOTIFY),
                            restoreStep("check-approval", "CheckApproval", "ApprovalDecisionHandler",
                                    "reads the approval answer strictly (approved == true only) and records the approver", LEDGER_NOTIFY),
                            restoreStep("config-cutover", "ConfigCutover", "ConfigCutoverHandler",
                                    "points consumers (secret host, SSM parameter, Lambda variable) at the restored database", Set.of()),
                            restoreStep("delete-drill-copy", "DeleteDrillCopy", "DeleteDrillCopyHandler",
                                    "deletes a drill's temporary copy, and only resources tagged dr:drill=true", Set.of()),
                            restoreStep("recovery-metrics", "RecoveryMetrics", "RecoveryMetricsHandler",
                                    "records measured RTO (from detection, approval wait apart) and RPO against the targets", LEDGER),
                            new Function("sweep-snapshots", "SweepSnapshots", "com.drresponder.restore.SnapshotSweeperHandler::handleRequest",
                                    "DR Responder: deletes expired snapshots the restore playbook made, reports manual-snapshot quota headroom",
                                    300, Set.of(), false))),
                    // timeout: approval wait (24 h, the Request approval task's TimeoutSeconds) + the promotion phase armed with
                    // timeoutMinutes (at most 1440 min) + 1 h
                    new Playbook("fail-over-database", "fail-over", 180_000, List.of(), List.of("RtoTargetMinutes", "RpoTargetMinutes"), List.of(
                            failoverStep("plan-failover", "PlanFailover", "PlanFailoverHandler",
                                    "reads a primary's replicas or readers and their lag; chooses one within the RPO target or refuses", Set.of()),
                            failoverStep("check-failover", "CheckFailover", "CheckFailoverHandler",
                                    "polls a promotion or Aurora failover until RDS reports it done; renews the lease", LEDGER),
                            // aws-sdk tasks reach only the state machine's Region: the global database's secondary is called from Java
                            failoverStep("global-failover", "GlobalFailover", "GlobalFailoverHandler",
                                    "makes an opted-in Aurora Global Database secondary take over, in its own Region (switchover, failover, detach)",
                                    Set.of()),
                            // the restore's steps, each deployed as the failover's own function (own role, own grants)
                            new Function("verify-promoted", "VerifyPromoted", "com.drresponder.failover.VerifyPromotedHandler::handleRequest",
                                    "DR Responder: runs the restore's verification SQL against a promoted database", 300, DATABASE, true),
                            failoverStep("request-failover-approval", "RequestFailoverApproval", "RequestFailoverApprovalHandler",
                                    "keeps the approval task token in the ledger and asks people to approve a promotion", LEDGER_NOTIFY),
                            failoverStep("check-failover-approval", "CheckFailoverApproval", "FailoverApprovalDecisionHandler",
                                    "reads the promotion's approval answer strictly and records the approver", LEDGER_NOTIFY),
                            failoverStep("failover-config-cutover", "FailoverConfigCutover", "FailoverConfigCutoverHandler",
                                    "points consumers (secret host, SSM parameter, Lambda variable) at the promoted database", Set.of()),
                            failoverStep("failover-metrics", "FailoverMetrics", "FailoverMetricsHandler",
                                    "records measured RTO (from detection, approval wait apart) and RPO (lag at promotion) against the targets", LEDGER)))));

    // ------------------------------------------------------------------ lookups

    /** Every function in deployment order: shared steps, core functions, each playbook's functions, the router last. */
    public List<Function> functions() {
        return allFunctions(sharedSteps, coreFunctions, router, playbooks);
    }

    /** Every function except the router (which needs the state machines' ARNs first). */
    public List<Function> stepFunctions() {
        List<Function> all = new ArrayList<>(functions());
        all.remove(router);
        return all;
    }

    public Function function(String name) {
        return functions().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + name + " in the catalog"));
    }

    public Optional<Playbook> find(String playbook) {
        return playbooks.stream().filter(p -> p.name().equals(playbook)).findFirst();
    }

    public Playbook playbook(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown playbook " + name));
    }

    /** What a playbook's state machine may invoke: the shared steps and its own functions. */
    public List<Function> invokedBy(Playbook playbook) {
        List<Function> all = new ArrayList<>(sharedSteps);
        all.addAll(playbook.functions());
        return all;
    }

    /** Every substitution name a deployment supplies to the state machines: step ARNs and playbook parameters. */
    public Set<String> substitutionNames() {
        Set<String> names = new LinkedHashSet<>();
        functions().stream().filter(Function::step).forEach(f -> names.add(f.substitution()));
        playbooks.forEach(p -> names.addAll(p.parameters()));
        return names;
    }

    /** The function a rule's events go to: the function that lists the rule as its own, else the router. */
    public Function ruleTarget(String rule) {
        return functions().stream().filter(f -> f.rules().contains(rule)).findFirst().orElse(router);
    }

    /** Every rule file name: the core rules, then each playbook's. */
    public List<String> rules() {
        List<String> all = new ArrayList<>(coreRules);
        playbooks.forEach(p -> p.rules().stream().filter(r -> !all.contains(r)).forEach(all::add));
        return all;
    }

    /** This catalog with one more playbook (tests: one more playbook is one entry). */
    public Catalog withPlaybook(Playbook playbook) {
        List<Playbook> all = new ArrayList<>(playbooks);
        all.add(playbook);
        return new Catalog(sharedSteps, router, coreFunctions, coreRules, environment, all);
    }

    /** The core alone: shared steps, router, core rules, no playbooks. */
    public Catalog withoutPlaybooks() {
        return new Catalog(sharedSteps, router, coreFunctions, coreRules, environment, List.of());
    }

    private static List<Function> allFunctions(List<Function> sharedSteps, List<Function> coreFunctions, Function router,
                                               List<Playbook> playbooks) {
        List<Function> all = new ArrayList<>(sharedSteps);
        all.addAll(coreFunctions);
        playbooks.forEach(p -> all.addAll(p.functions()));
        all.add(router);
        return all;
    }
}
