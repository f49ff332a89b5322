package com.drresponder.testing;

import com.drresponder.testsupport.AwsEmulator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The calls in the emulator's request log that change the estate (RDS, Secrets Manager, SSM, Lambda
 * configuration, IAM, WAF): an attack that is refused must leave this list empty. The responder's own
 * bookkeeping (ledger, notifications, Step Functions, Lambda invocations) is not the estate.
 */
public final class MutatingCalls {
    private static final Set<String> BOOKKEEPING = Set.of("dynamodb", "sns", "sqs", "states", "logs", "monitoring");
    // REST calls the log does not name are listed as "<METHOD> <path>": a GET reads
    private static final Pattern READ = Pattern.compile("(Describe|Get|List|Invoke|Test|Lookup|Check|GET ).*");

    private MutatingCalls() {}

    public static List<AwsEmulator.ApiRequest> of(List<AwsEmulator.ApiRequest> requests) {
        return requests.stream().filter(r -> !BOOKKEEPING.contains(r.service()) && !READ.matcher(r.action()).matches()).toList();
    }
}
