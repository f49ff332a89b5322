package com.drresponder.cli;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** A playbook request about one database (restore, drill, failover): the options they share and the one way they send it. */
abstract class DatabaseCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Mixin DatabaseOptions database;
    private final String playbook;
    private final Consumer<JsonNode> validator;

    DatabaseCommand(String playbook, Consumer<JsonNode> validator) {
        this.playbook = playbook;
        this.validator = validator;
    }

    /** Adds this command's own fields to the request detail. */
    abstract void putInto(ObjectNode detail);

    @Override
    public final Integer call() {
        ObjectNode detail = Json.object();
        database.putInto(detail);
        putInto(detail);
        return request.send(cli, playbook, detail, validator);
    }
}
