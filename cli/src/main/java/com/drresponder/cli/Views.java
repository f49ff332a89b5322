package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.TimelineEntry;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Tables and JSON shapes of incidents and timelines. */
final class Views {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Views() {}

    static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return String.format("%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        return s < 120 ? s + "s" : (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }

    static ObjectNode json(Incident i) {
        return Json.object().put("id", i.id()).put("playbook", i.playbook()).put("resource", i.resource()).put("trigger", i.trigger())
                .put("severity", i.severity() == null ? null : i.severity().name()).put("status", i.status() == null ? null : i.status().name())
                .put("executionArn", i.executionArn()).put("summary", i.summary())
                .put("createdAt", i.createdAt() == null ? null : i.createdAt().toString())
                .put("updatedAt", i.updatedAt() == null ? null : i.updatedAt().toString());
    }

    static ArrayNode json(List<TimelineEntry> timeline) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (TimelineEntry e : timeline) {
            a.addObject().put("at", e.at() == null ? null : e.at().toString()).put("actor", e.actor()).put("action", e.action())
                    .put("outcome", e.outcome()).put("detail", e.detail()).put("undo", e.undo());
        }
        return a;
    }

    static void incidents(PrintStream out, List<Incident> incidents) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"INCIDENT", "STATUS", "SEV", "PLAYBOOK", "CREATED", "SUMMARY"});
        for (Incident i : incidents) {
            rows.add(new String[] {i.id(), String.valueOf(i.status()), String.valueOf(i.severity()), i.playbook(), time(i.createdAt()),
                    abbreviate(i.summary(), 60)});
        }
        table(out, rows);
    }

    static void incident(PrintStream out, Incident i, List<TimelineEntry> timeline) {
        out.printf("incident   %s%n", i.id());
        out.printf("status     %s (%s)%n", i.status(), i.severity());
        out.printf("playbook   %s on %s%n", i.playbook(), i.resource());
        out.printf("trigger    %s%n", i.trigger());
        if (i.summary() != null) {
            out.printf("summary    %s%n", i.summary());
        }
        if (i.executionArn() != null) {
            out.printf("execution  %s%n", i.executionArn());
        }
        out.println();
        timeline(out, timeline);
    }

    static void timeline(PrintStream out, List<TimelineEntry> timeline) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TIME", "ACTOR", "ACTION", "OUTCOME", "DETAIL"});
        for (TimelineEntry e : timeline) {
            rows.add(new String[] {time(e.at()), nz(e.actor()), nz(e.action()), nz(e.outcome()), abbreviate(e.detail(), 100)});
        }
        table(out, rows);
    }

    static void table(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], nz(r[c]).length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String cell = nz(r[c]);
                line.append(c == cols - 1 ? cell : String.format("%-" + width[c] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "";
        }
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
