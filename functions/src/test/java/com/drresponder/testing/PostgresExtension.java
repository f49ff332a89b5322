package com.drresponder.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link PostgresTest}: the one way tests get an embedded PostgreSQL. The server lives in
 * the test class's {@link ExtensionContext.Store}, so JUnit stops it (an {@link AutoCloseable} value) when the class
 * finishes; classes never share a server, so their tables and users cannot collide.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PostgresFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return classContext(extensionContext).getStore(NAMESPACE)
                .getOrComputeIfAbsent("postgres", key -> PostgresFixture.start(), PostgresFixture.class);
    }

    /** The class-level context (a method's store would stop the server after the method). */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }
}
