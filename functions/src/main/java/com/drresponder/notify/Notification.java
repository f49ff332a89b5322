package com.drresponder.notify;

import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import java.util.List;

/**
 * A status update for people, in the shape of a status-page post: what happened, what was done,
 * what is next, and where to look. Built from incident facts only, never from secret values.
 */
public record Notification(
        String incidentId,
        IncidentStatus status,
        Severity severity,
        String playbook,
        String resource,
        String whatHappened,
        String whatWasDone,
        String whatIsNext,
        List<String> links) {

    /** SNS subjects are limited to 100 characters, ASCII, no line breaks. */
    public String subject() {
        String subject = "[" + severity + "] " + label(status) + ": " + playbook + " on " + shortName(resource);
        subject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        return subject.length() <= 100 ? subject : subject.substring(0, 97) + "...";
    }

    public String body() {
        StringBuilder b = new StringBuilder();
        b.append("Status: ").append(label(status)).append(" (").append(severity).append(")\n");
        b.append("Incident: ").append(incidentId).append('\n');
        b.append("Playbook: ").append(playbook).append('\n');
        b.append("Resource: ").append(resource).append("\n\n");
        section(b, "What happened", whatHappened);
        section(b, "What was done", whatWasDone);
        section(b, "What is next", whatIsNext);
        if (links != null && !links.isEmpty()) {
            b.append("Links:\n");
            links.forEach(l -> b.append("  ").append(l).append('\n'));
        }
        return b.toString();
    }

    static String label(IncidentStatus status) {
        return switch (status) {
            case DRY_RUN -> "Dry run";
            case OPENED -> "Opened";
            default -> status.name().charAt(0) + status.name().substring(1).toLowerCase();
        };
    }

    private static void section(StringBuilder b, String title, String text) {
        if (text != null && !text.isBlank()) {
            b.append(title).append(":\n  ").append(text.replace("\n", "\n  ")).append("\n\n");
        }
    }

    private static String shortName(String resource) {
        if (resource == null) {
            return "?";
        }
        int i = resource.indexOf(":function:");
        if (i >= 0) {
            return resource.substring(i + ":function:".length());
        }
        int colon = resource.lastIndexOf(':');
        return colon >= 0 ? resource.substring(colon + 1) : resource;
    }
}
