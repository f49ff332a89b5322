package com.drresponder.testsupport;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link AwsEmulatorTest}. Starting moto and a JVM per function is slow, so the
 * emulator is started lazily, once per test JVM, and kept in the root {@link ExtensionContext.Store}:
 * JUnit closes it (an {@link AutoCloseable} value) when the engine finishes, and a JVM shutdown hook is
 * the backstop. Before each test the emulator is {@link AwsEmulator#reset() reset}, so tests never see
 * each other's resources; create what a test needs in {@code @BeforeEach} or in the test itself.
 */
public final class AwsEmulatorExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AwsEmulatorExtension.class);
    private static final String KEY = "emulator";

    /** The per-JVM emulator, started on first use. */
    public static AwsEmulator emulator(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> new StoredEmulator(startAndReport()), StoredEmulator.class)
                .emulator();
    }

    private static AwsEmulator startAndReport() {
        AwsEmulator emulator = AwsEmulator.start();
        System.out.printf("AwsEmulator: moto listening on %s after %d ms (log %s)%n", emulator.endpoint(),
                emulator.motoStartupTime().toMillis(), emulator.motoLogFile());
        return emulator;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator(context).reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == AwsEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return emulator(extensionContext);
    }

    /** Store value that JUnit closes at the end of the run. */
    private record StoredEmulator(AwsEmulator emulator) implements AutoCloseable {
        @Override
        public void close() {
            emulator.close();
        }
    }
}
