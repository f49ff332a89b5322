package com.drresponder.iamcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The build's IAM proof: every AWS call the emulator ITs made (functions' and cli's, recorded by the emulator
 * with the calling function or state machine) is evaluated against the policies of the role that makes it in
 * AWS, from the synthesized template; each change to an opted-in resource is replayed on its unprotected twin (the
 * same resource without the opt-in tag), which must be refused. Runs after those modules (see pom.xml), so it sees
 * this build's calls.
 */
class RecordedCallsIamCheckTest {

    @Test
    void everyRecordedCall_shouldBeAllowed_byTheRoleThatMakesItInAws() {
        // GIVEN every call the emulator ITs of this build recorded, and the template cdk synth produces
        List<Path> logs = IamCheck.recordedCallLogs();
        assertThat(logs).as("API call logs in %s: run the emulator ITs (functions, cli) in the same build", IamCheck.CALL_LOG_DIRS)
                .isNotEmpty();
        Path template = SynthesizedTemplate.synthesize(IamCheck.OUT.resolve("cdk.out"));

        // WHEN the simulator evaluates each call as its role
        JsonNode report = IamCheck.run(template, logs, IamCheck.OUT.resolve("report.json"));
        UnusedGrantReport.write(report, IamCheck.OUT.resolve("unused-grants.md"));

        // THEN calls were checked, each could be evaluated, and each was allowed
        assertThat(report.path("checked").asInt()).as("calls made by responder functions and state machines").isPositive();
        assertThat(report.path("problems")).withFailMessage("calls the check could not evaluate:%n%s", distinct(report.path("problems")))
                .isEmpty();
        assertThat(report.path("denied")).withFailMessage("calls the synthesized policies do not allow:%n%s", distinct(report.path("denied")))
                .isEmpty();
        // AND every change to an opted-in resource is refused on its unprotected twin
        assertThat(report.path("twins").asInt()).as("changes to opted-in resources replayed on their twins").isPositive();
        assertThat(report.path("twinAllowed")).withFailMessage("changes the policies would also allow on an unprotected twin:%n%s",
                distinct(report.path("twinAllowed"))).isEmpty();
    }

    /** One line per distinct finding: the call, the role, the resource and the reason. */
    static String distinct(JsonNode findings) {
        Set<String> lines = new LinkedHashSet<>();
        findings.forEach(f -> lines.add("- " + f.path("call").path("principal").path("name").asText() + " "
                + f.path("call").path("action").asText() + " on " + f.path("resource").asText(f.path("call").path("resources").toString())
                + (f.has("role") ? " as role " + f.path("role").asText() : "") + ": " + f.path("result").asText("") + " "
                + f.path("reason").asText() + (f.has("context") ? " context " + f.path("context") : "")));
        return String.join(System.lineSeparator(), lines);
    }
}
