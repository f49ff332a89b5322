package com.drresponder.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** How a restore or failover moves the consumers over, and what it verifies first; the playbook's request parser validates the choice. */
final class CutoverOptions {
    @Option(names = "--cutover", description = "rename (restore only), config or none (default none; a failed-over Aurora cluster keeps its endpoints).") String cutover;
    @Option(names = "--verify", description = "Verification checks, JSON or @file: {\"secretId\": ..., \"rowCounts\": {...}, ...}; required for rename and config.") String verify;
    @Option(names = "--cutover-config", description = "For --cutover config, JSON or @file: {\"secretId\"} | {\"parameterName\"} | {\"functionName\", \"variable\", \"alias\"?}.") String cutoverConfig;

    void putInto(ObjectNode detail) {
        RestoreCommand.put(detail, "cutover", cutover);
        RestoreCommand.putJson(detail, "verify", "--verify", verify);
        RestoreCommand.putJson(detail, "cutoverConfig", "--cutover-config", cutoverConfig);
    }
}
