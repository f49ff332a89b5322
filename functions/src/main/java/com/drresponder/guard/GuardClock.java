package com.drresponder.guard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The start guard's refill clock. In AWS the system clock. The local deployment (and only it: the stack never sets
 * {@value #FILE_VARIABLE}) names a file holding the instant the guard sees, so that refill is what a test says it is:
 * the emulator lets no time pass for AWS, while a loaded machine lets seconds pass between two events. Never read
 * from a request.
 */
public final class GuardClock extends Clock {
    public static final String FILE_VARIABLE = "LOCAL_GUARD_CLOCK_FILE";

    private final Supplier<Instant> now;

    private GuardClock(Supplier<Instant> now) {
        this.now = now;
    }

    public static Clock from(Map<String, String> env) {
        String file = env.get(FILE_VARIABLE);
        return file == null || file.isBlank() ? Clock.systemUTC() : of(() -> read(Path.of(file)));
    }

    /** A UTC clock that reads the instant from {@code now}: the local deployment's file, or a test's own. */
    public static Clock of(Supplier<Instant> now) {
        return new GuardClock(now);
    }

    /** Sets every guard clock reading {@code file} to {@code now}. */
    public static void set(Path file, Instant now) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "guard-clock", ".tmp");
            Files.writeString(tmp, now.toString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    private static Instant read(Path file) {
        try {
            return Instant.parse(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local guard clock " + file, e);
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
