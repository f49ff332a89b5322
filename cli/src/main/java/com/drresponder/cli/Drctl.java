package com.drresponder.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * drctl: start, follow and approve DR Responder playbooks by hand, and run the whole responder locally.
 * Exit codes: 0 done, 1 failed (AWS error, playbook failed or escalated), 2 bad input, 3 not found or not deployed.
 * Reference: docs/drctl.md.
 */
@Command(name = "drctl", mixinStandardHelpOptions = true, version = "drctl 0.1.0",
        description = "Start, follow and approve DR Responder playbooks by hand; run the whole responder locally.",
        footer = {"", "Exit codes: 0 ok, 1 failed (AWS error, playbook failed/escalated), 2 bad input, 3 not found / not deployed.",
                "Reference: docs/drctl.md"},
        subcommands = {RollbackCommand.class, RestoreCommand.class, FailoverCommand.class, DrillCommand.class, RespondCommand.class,
                ApproveCommand.class, RejectCommand.class, IncidentsCommand.class, ShowCommand.class, FollowCommand.class,
                LocalCommand.class, CommandLine.HelpCommand.class})
public final class Drctl {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int NOT_FOUND = 3;

    public enum Format { text, json }

    @Option(names = "--local", scope = ScopeType.INHERIT,
            description = "Target the local responder started by `drctl local up` (endpoint in .local/drctl.json).")
    boolean local;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Format output = Format.text;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--region", scope = ScopeType.INHERIT, description = "AWS region (default: the SDK's region chain).")
    String region;

    @Option(names = "--stack", scope = ScopeType.INHERIT, defaultValue = "DrResponder",
            description = "CloudFormation stack whose outputs name the ledger, router and playbooks (default ${DEFAULT-VALUE}).")
    String stack = "DrResponder";

    final Path root;
    final Path stateFile;
    final PrintStream out;
    final PrintStream err;
    private Target target;

    public Drctl(Path root, Path stateFile, PrintStream out, PrintStream err) {
        this.root = root;
        this.stateFile = stateFile;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Path root = Paths.root();
        int code = run(args, root, Paths.stateFile(root), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; in-process entry point for tests. */
    public static int run(String[] args, Path root, Path stateFile, PrintStream out, PrintStream err) {
        Drctl drctl = new Drctl(root, stateFile, out, err);
        CommandLine cli = new CommandLine(drctl);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> drctl.handle(e));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("drctl: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            }
            return BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } finally {
            if (drctl.target != null) {
                drctl.target.close();
            }
        }
    }

    /** The AWS (or local) account the commands act on; built once per command line. */
    Target target() {
        if (target == null) {
            target = local ? Target.local(stateFile) : Target.aws(region, stack);
        }
        return target;
    }

    boolean json() {
        return output == Format.json;
    }

    int handle(Exception e) {
        int code;
        if (e instanceof CliException c) {
            err.println("drctl: " + c.getMessage());
            code = c.exitCode();
        } else if (e instanceof AwsServiceException a) {
            var d = a.awsErrorDetails();
            err.println("drctl: " + (d == null ? "AWS" : d.serviceName() + " " + d.errorCode()) + ": "
                    + (d == null || d.errorMessage() == null ? a.getMessage() : d.errorMessage())
                    + " (request id " + a.requestId() + ")");
            code = FAILED;
        } else if (e instanceof SdkClientException s) {
            err.println("drctl: " + s.getMessage());
            code = FAILED;
        } else {
            err.println("drctl: " + e);
            code = FAILED;
        }
        if (debug) {
            e.printStackTrace(err);
        } else if (!(e instanceof CliException)) {
            err.println("(--debug prints the stack trace)");
        }
        return code;
    }
}
