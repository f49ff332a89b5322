package com.drresponder.common;

import com.drresponder.ledger.Ledger;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Work done once at init, so that it is in SnapStart's snapshot (as a {@code beforeCheckpoint} hook would do it)
 * rather than on the first invocation, which during an incident is the recovery path: Jackson's mapper reads and
 * writes an event-shaped document, and the ledger's DynamoDB client makes one real read (a GetItem of an incident
 * that never exists), which loads and links the SDK's marshalling, signing and HTTP code; the EMF document Powertools
 * writes at each flush is built and serialised once, in memory, never written (no metric, no log line). A function's
 * other clients are primed by its handler with one read its role is granted ({@link #read}). Best effort: a failed
 * priming read is logged and init goes on (the first invocation then pays, as without priming).
 *
 * <p>Beyond that, each function runs its own invocation path once at init ({@link #invocationPath}) on clients of the
 * same types answered in-process ({@link CannedAws}): every class on the path is loaded, linked and compiled before
 * the snapshot, without an AWS call, a log line (denied while it runs: log4j2.xml's filter on {@value #RUNNING} = on) or a
 * metric ({@link Telemetry#metrics} hands it a throwaway instance).
 *
 * <p>Not primed: Powertools' logging context ({@code PowertoolsLogging.withLogging}): its first call marks the cold
 * start done, so a synthetic call at init would make the first real invocation log {@code cold_start=false}.
 */
public final class Priming {
    /** {@code -Ddrresponder.priming=off}: only the cold-start benchmark sets it, for its "without priming" figure. */
    public static final String PROPERTY = "drresponder.priming";
    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
    private static final String EVENT = """
            {"version":"0","id":"priming","detail-type":"Priming","source":"drresponder.priming","account":"000000000000",
             "time":"2000-01-01T00:00:00Z","region":"us-east-1","resources":["arn:aws:lambda:us-east-1:000000000000:function:f"],
             "detail":{"state":{"value":"OK","timestamp":"2000-01-01T00:00:00.000+0000"},"list":[1,2.5,true,null],"nested":{"a":"b"}}}
            """;

    private Priming() {}

    public static boolean enabled() {
        return !"off".equals(System.getProperty(PROPERTY));
    }

    /** Primes Jackson and the ledger's client; returns the ledger. */
    public static <L extends Ledger> L primed(L ledger) {
        if (!enabled()) {
            return ledger;
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(EVENT);
            Json.write(Json.MAPPER.convertValue(tree, Map.class));
            ledger.incident("priming-never-an-incident");
            emfDocument();
        } catch (Exception e) {
            LOG.warn("priming at init failed, the first invocation will be slower: {}", e.toString());
        }
        return ledger;
    }

    /** One read a function's role is granted, on a client the ledger read does not warm; best effort, as above. */
    public static void read(String what, Runnable call) {
        if (!enabled()) {
            return;
        }
        try {
            call.run();
        } catch (Exception e) {
            LOG.warn("priming {} at init failed, the first invocation will be slower: {}", what, e.toString());
        }
    }

    /** The log context key (MDC) set while a priming run is on this thread: log4j2.xml denies every event that has it. */
    public static final String RUNNING = "drresponder_priming";

    /** Whether this thread is inside {@link #invocationPath}. */
    public static boolean running() {
        return MDC.get(RUNNING) != null;
    }

    /**
     * Runs {@code path} (a function's handler, built on {@link CannedAws} clients, handling a priming input) once,
     * silently; best effort, as above. Answers the canned AWS it gave the path (what it asked), for tests.
     */
    public static CannedAws invocationPath(String function, java.util.function.Consumer<CannedAws> path) {
        CannedAws aws = CannedAws.create();
        if (!enabled()) {
            return aws;
        }
        Exception failed = null;
        MDC.put(RUNNING, "on");
        try {
            path.accept(aws);
        } catch (Exception e) {
            failed = e;
        } finally {
            MDC.remove(RUNNING);
        }
        if (failed != null) {
            LOG.warn("priming the invocation path of {} failed after {}, the first invocation will be slower: {}", function,
                    aws.answered(), failed.toString());
        }
        return aws;
    }

    /** The EMF library's document model and its own Jackson serialisation, as at a flush; the result is dropped. */
    private static void emfDocument() throws Exception {
        MetricsContext emf = new MetricsContext();
        emf.setNamespace(Telemetry.NAMESPACE);
        emf.putDimension("Priming", "init");
        emf.putMetric("Priming", 1, Unit.COUNT);
        emf.putProperty("incidentId", "priming");
        emf.serialize();
    }
}
