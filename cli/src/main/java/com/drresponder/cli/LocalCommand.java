package com.drresponder.cli;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "local", description = "Run the whole responder locally: emulator + Java Lambda host + the stack's resources.",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Demo.class, SendCommand.class})
final class LocalCommand {
    @ParentCommand Drctl cli;

    @Command(name = "up", description = "Start the local responder and keep it running (Ctrl-C or `drctl local down` stops it); "
            + "other commands reach it with --local.")
    static final class Up implements Callable<Integer> {
        @ParentCommand LocalCommand local;
        @Option(names = "--rds-delay", defaultValue = "0", description = "Seconds RDS takes per snapshot, new database or rename "
                + "(an emulator addition: moto is instant); RDS events follow, as in AWS (default ${DEFAULT-VALUE}).")
        int rdsDelaySeconds;

        @Override
        public Integer call() throws Exception {
            Drctl cli = local.cli;
            LocalState existing = Files.isRegularFile(cli.stateFile) ? LocalState.read(cli.stateFile) : null;
            if (existing != null && existing.ownerAlive() && existing.pid() != ProcessHandle.current().pid()) {
                throw CliException.failed("a local responder is already running (pid " + existing.pid() + ", " + existing.endpoint()
                        + "): `./drctl local down` first");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            LocalRuntime runtime = LocalRuntime.start(cli.root);
            Thread hook = new Thread(() -> {
                try {
                    Files.deleteIfExists(cli.stateFile);
                } catch (Exception ignored) {
                    // best effort
                }
                runtime.close();
                stopped.countDown();
            }, "drctl-local-down");
            Runtime.getRuntime().addShutdownHook(hook);
            runtime.deploy(cli.out).estate(cli.out);
            runtime.emulator.delayRds(Duration.ofSeconds(rdsDelaySeconds));
            LocalState state = runtime.state(ProcessHandle.current().pid());
            state.write(cli.stateFile);
            cli.out.printf("local responder up at %s (pid %d); state in %s%n", state.endpoint(), state.pid(), cli.stateFile);
            cli.out.println("try: ./drctl --local rollback --function checkout-api --alias live --follow");
            cli.out.println("     ./drctl --local respond --secret orders-db/master --follow   (rotates orders_app's password in the embedded PostgreSQL)");
            cli.out.println("stop: Ctrl-C or ./drctl local down");
            stopped.await();
            return Drctl.OK;
        }
    }

    @Command(name = "down", description = "Stop the local responder started by `drctl local up`.")
    static final class Down implements Callable<Integer> {
        @ParentCommand LocalCommand local;

        @Override
        public Integer call() {
            Drctl cli = local.cli;
            if (!Files.isRegularFile(cli.stateFile)) {
                cli.out.println("no local responder running");
                return Drctl.OK;
            }
            LocalState state = LocalState.read(cli.stateFile);
            var process = ProcessHandle.of(state.pid());
            if (process.isPresent() && process.get().isAlive()) {
                process.get().destroy();
                try {
                    process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw CliException.failed("pid " + state.pid() + " did not stop within 30 s: " + e);
                }
            }
            try {
                Files.deleteIfExists(cli.stateFile);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            cli.out.println("local responder stopped (pid " + state.pid() + ")");
            return Drctl.OK;
        }
    }

    @Command(name = "demo", description = "Start everything, replay the sample events the rules match, follow each incident to its end, "
            + "print timelines and a summary, stop everything.")
    static final class Demo implements Callable<Integer> {
        @ParentCommand LocalCommand local;
        @Option(names = "--timeout", defaultValue = "100", description = "Per-incident follow limit in seconds (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Drctl cli = local.cli;
            long t0 = System.nanoTime();
            try (LocalRuntime runtime = LocalRuntime.start(cli.root)) {
                Thread hook = new Thread(runtime::close, "drctl-demo-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    if (!cli.json()) {
                        cli.out.printf("emulator up at %s (moto started in %d ms)%n", runtime.emulator.endpoint(),
                                runtime.emulator.motoStartupTime().toMillis());
                    }
                    runtime.deploy(cli.json() ? nullStream() : cli.out).estate(cli.json() ? nullStream() : cli.out);
                    int code = new com.drresponder.cli.Demo(cli, runtime, Duration.ofSeconds(timeoutSeconds)).run();
                    if (!cli.json()) {
                        cli.out.printf("%ndemo finished in %s; stopping the emulator and its workers%n",
                                Views.duration(Duration.ofNanos(System.nanoTime() - t0)));
                    }
                    return code;
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running already
                    }
                }
            }
        }

        private static java.io.PrintStream nullStream() {
            return new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        }
    }
}
