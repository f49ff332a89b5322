package com.drresponder.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops a child process and every process it started (moto's server, a Lambda worker JVM), so no test leaves one behind. */
final class ProcessTree {
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private ProcessTree() {}

    /**
     * Asks the process to exit and gives it {@code grace} (zero: none), then kills it and its descendants and waits,
     * at most {@link #STOP_TIMEOUT} each, until they are gone. {@code what} names the process in errors.
     */
    static void destroy(Process process, Duration grace, String what) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        if (!grace.isZero()) {
            process.destroy();
            try {
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping " + what + " (pid " + handle.pid() + ")", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(what + " (pid " + handle.pid() + ") did not stop within " + STOP_TIMEOUT, e);
            }
        }
    }
}
