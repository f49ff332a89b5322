package com.drresponder.incident;

import java.time.Instant;

/**
 * One line of an incident's timeline: who did what, when, with which outcome. {@code detail} is free
 * text for people (never a secret value); {@code undo} says how to reverse the action, when it changed
 * something.
 */
public record TimelineEntry(Instant at, String actor, String action, String outcome, String detail, String undo) {
    public static TimelineEntry of(Instant at, String actor, String action, String outcome, String detail) {
        return new TimelineEntry(at, actor, action, outcome, detail, null);
    }
}
