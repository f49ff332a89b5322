package com.drresponder.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the stack finds what other parts of the repository produce.
 *
 * @param infraCdkDir      infra-cdk/ (config file, relative CDK output dir)
 * @param stateMachinesDir {@code statemachines/}: one {@code <playbook>.asl.json} per playbook
 * @param rulesDir         {@code events/rules/}: one EventBridge pattern per {@code <rule>.json}
 * @param functionsZip     the Lambda deployment package built by {@code ./mvnw package -pl functions}
 */
public record ProjectLayout(Path infraCdkDir, Path stateMachinesDir, Path rulesDir, Path functionsZip) {

    /** The layout of the repository whose root is {@code repoRoot}. */
    public static ProjectLayout ofRepository(Path repoRoot) {
        Path root = repoRoot.toAbsolutePath().normalize();
        return new ProjectLayout(root.resolve("infra-cdk"), root.resolve("statemachines"),
                root.resolve("events").resolve("rules"), root.resolve("functions/target/functions-lambda.zip"));
    }

    /**
     * Finds the repository root from {@code start} upwards: the first directory holding both {@code mvnw} and
     * {@code infra-cdk/}. Works from the root (exec:java via mvnw) and from infra-cdk/ (Maven tests, the CDK CLI).
     */
    public static Path findRepositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("infra-cdk"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the DR Responder repository root (a directory with mvnw and infra-cdk/) above " + start.toAbsolutePath());
    }

    public ProjectLayout withFunctionsZip(Path zip) {
        return new ProjectLayout(infraCdkDir, stateMachinesDir, rulesDir, zip);
    }
}
