package com.drresponder.cli;

/** An error for people: one line, and the exit code it maps to. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(Drctl.BAD_INPUT, message);
    }

    static CliException notFound(String message) {
        return new CliException(Drctl.NOT_FOUND, message);
    }

    static CliException failed(String message) {
        return new CliException(Drctl.FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
