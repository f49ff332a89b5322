package com.drresponder.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** A priming run leaves no trace an invocation would: no log line, no metric in the invocation's EMF document. */
class PrimingTest {
    private static final Logger LOG = LoggerFactory.getLogger("com.drresponder.common.PrimingTest");
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private AbstractAppender capture;

    @BeforeEach
    void captureTheFunctionsLogLines() {
        capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig("com.drresponder").addAppender(capture, null, null);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig("com.drresponder").removeAppender("capture");
        context.updateLoggers();
    }

    @Test
    void invocationPath_should_writeNoLogLine_when_thePathLogs() {
        Priming.invocationPath("test", aws -> LOG.error("logged inside a priming run"));
        LOG.error("logged after it");

        assertThat(logged).containsExactly("logged after it");
    }

    @Test
    void invocationPath_should_logItsFailure_after_thePathFailed() {
        Priming.invocationPath("test", aws -> { throw new IllegalStateException("canned answer missing"); });

        assertThat(logged).singleElement().asString().contains("priming the invocation path of test failed").contains("canned answer missing");
    }

    @Test
    void invocationPath_should_addMetricsToAThrowawayInstance_notTheInvocations() {
        Metrics[] inside = new Metrics[1];
        Priming.invocationPath("test", aws -> inside[0] = Telemetry.metrics());

        assertThat(inside[0]).isNotNull().isNotSameAs(MetricsFactory.getMetricsInstance()).isNotSameAs(Telemetry.metrics());
    }
}
