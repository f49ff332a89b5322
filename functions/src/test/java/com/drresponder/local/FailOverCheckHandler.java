package com.drresponder.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one handler of the test-only extra playbook (ResponderDeploymentIT): echoes its input, marked as checked. */
public final class FailOverCheckHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> out = new LinkedHashMap<>(input);
        out.put("checked", true);
        return out;
    }
}
