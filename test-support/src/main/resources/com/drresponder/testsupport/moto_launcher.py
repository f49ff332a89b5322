"""Starts moto server with two patches used by the DR Responder test harness.

1. Lambda invocations (moto's "simple", docker-free backend) are forwarded over HTTP to the
   Java Lambda host, which runs the real handlers:
   POST http://127.0.0.1:$DRR_LAMBDA_HOST_PORT/invoke/<functionName>
   The host answers with the payload; a function error is signalled with the response header
   X-Amz-Function-Error, which moto hands back to the caller (Step Functions turns the payload's
   errorType into the error name, so Retry/Catch work).
2. Step Functions mock test cases (the Step Functions Local format): moto 5.2.1 carries the parser
   code but never loads a mock configuration. StartExecution with "<stateMachineArn>#<TestCase>"
   reads the JSON file named by $SFN_MOCK_CONFIG (re-read on every start, so tests may change it).

Exit code 3 means moto (with its server extras) cannot be imported by this python.
The server stops when its stdin reaches EOF, i.e. when the JVM that started it is gone.

Usage: python3 moto_launcher.py <port>
"""
import json
import os
import sys
import threading
import urllib.error
import urllib.request
import uuid

try:
    import moto.server
    from moto.awslambda_simple.models import LambdaSimpleBackend
except ImportError as e:  # pragma: no cover - reported to the Java side
    sys.stderr.write("moto_launcher: cannot import moto server: %s\n" % e)
    sys.exit(3)

HOST_PORT = os.environ.get("DRR_LAMBDA_HOST_PORT")
# Generous socket timeout: the host itself enforces the function's timeout and cold start limits.
HOST_TIMEOUT_SECONDS = float(os.environ.get("DRR_LAMBDA_HOST_TIMEOUT", "960"))


def _header(headers, name):
    if headers is None:
        return None
    for key in (name, name.lower()):
        try:
            value = headers.get(key)
        except Exception:  # headers of an unexpected type: treat as absent
            value = None
        if value is not None:
            return value
    return None


def _forward(fn, qualifier, body):
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    request = {
        "functionName": fn.function_name,
        "functionArn": fn.function_arn,
        "version": str(fn.version),
        "qualifier": qualifier,
        "handler": fn.handler,
        "runtime": fn.run_time,
        "environment": dict(fn.environment_vars or {}),
        "timeout": int(fn.timeout or 3),
        "memorySize": int(fn.memory_size or 128),
        "payload": body if body else "{}",
    }
    data = json.dumps(request).encode("utf-8")
    url = "http://127.0.0.1:%s/invoke/%s" % (HOST_PORT, urllib.request.quote(fn.function_name, safe=""))
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=HOST_TIMEOUT_SECONDS) as resp:
            return resp.read(), resp.headers.get("X-Amz-Function-Error")
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")
        raise RuntimeError("Java Lambda host failed for %s: HTTP %s %s" % (fn.function_name, e.code, detail))


def _invoke(self, function_name, qualifier, body, headers, response_headers):
    if not HOST_PORT:
        raise RuntimeError("DRR_LAMBDA_HOST_PORT is not set: no Java Lambda host to forward to")
    fn = self.get_function(function_name, qualifier)
    invocation_type = _header(headers, "X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        def run():
            try:
                _forward(fn, qualifier, body)
            except Exception as e:
                sys.stderr.write("moto_launcher: async invoke of %s failed: %s\n" % (fn.function_name, e))
        threading.Thread(target=run, daemon=True, name="async-invoke").start()
        return b""
    payload, function_error = _forward(fn, qualifier, body)
    if function_error:
        response_headers["x-amz-function-error"] = function_error
    response_headers["x-amz-executed-version"] = str(fn.version)
    response_headers["Content-Length"] = str(len(payload))
    return payload


LambdaSimpleBackend.invoke = _invoke


def _install_lambda_payload_fix():
    # moto reads the ?Qualifier= parameter with json.loads(body)[name] as a fallback, which raises
    # TypeError when the invoke payload is JSON but not an object (10, "text", [1]); Lambda accepts those.
    from moto.awslambda.responses import LambdaResponse
    original_get_param = LambdaResponse._get_param

    def get_param(self, param_name, if_none=None):
        try:
            return original_get_param(self, param_name, if_none)
        except TypeError:
            values = self.querystring.get(param_name)
            return values[0] if values else if_none

    LambdaResponse._get_param = get_param


_install_lambda_payload_fix()


# ---- Step Functions mock test cases ---------------------------------------------------------
def _install_sfn_mocking():
    from moto.stepfunctions.parser import models as sfn_models
    from moto.stepfunctions.parser.backend import execution_worker
    from moto.stepfunctions.parser.mocking import mock_config as mc
    from moto.stepfunctions.exceptions import InvalidName

    local = threading.local()

    def load_test_case(state_machine_name, test_case_name):
        path = os.environ.get("SFN_MOCK_CONFIG")
        if not path or not os.path.isfile(path) or os.path.getsize(path) == 0:
            raise InvalidName("Mock test case '%s' requested but no mock configuration is set "
                              "(AwsEmulator.setStepFunctionsMockConfig)" % test_case_name)
        with open(path, "r", encoding="utf-8") as f:
            raw = json.load(f)
        machine = (raw.get("StateMachines") or {}).get(state_machine_name)
        if machine is None:
            raise InvalidName("No definitions for state machine '%s' in the mock configuration" % state_machine_name)
        test_case = (machine.get("TestCases") or {}).get(test_case_name)
        if test_case is None:
            raise InvalidName("No test case '%s' for state machine '%s' in the mock configuration"
                              % (test_case_name, state_machine_name))
        per_state = []
        for state_name, response_name in test_case.items():
            models = (raw.get("MockedResponses") or {}).get(response_name)
            if not models:
                raise InvalidName("No mocked response '%s' in the mock configuration" % response_name)
            responses = []
            for rng, model in models.items():
                start, end = mc._parse_mocked_response_range(rng)
                if "Return" in model:
                    responses.append(mc.MockedResponseReturn(start, end, model["Return"]))
                else:
                    throw = model.get("Throw") or {}
                    responses.append(mc.MockedResponseThrow(start, end, throw.get("Error"), throw.get("Cause")))
            per_state.append(mc.StateMockedResponses(state_name, response_name, responses))
        return mc.MockTestCase(state_machine_name, test_case_name, per_state)

    original_start = sfn_models.StepFunctionsParserBackend.start_execution

    start_lock = threading.RLock()

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        # Like AWS (and moto's non-executing backend), an execution without a name gets a UUID; moto's
        # executing backend would name it "None" and treat later unnamed starts as idempotent repeats.
        name = name or str(uuid.uuid4())
        base_arn, sep, test_case_name = state_machine_arn.partition("#")
        machine = self.describe_state_machine(base_arn)
        mock = load_test_case(machine.name, test_case_name) if sep else None
        with start_lock:
            # moto deep-copies the state machine, including its earlier executions, whose workers hold
            # locks that cannot be copied: a second StartExecution would fail with HTTP 500. Check
            # idempotency here, then hide the earlier executions while moto copies.
            existing = machine._handle_name_input_idempotency(name, execution_input)
            if existing is not None:
                return existing
            earlier = machine.executions
            machine.executions = []
            local.mock_test_case = mock
            try:
                return original_start(self, base_arn, name, execution_input, trace_header)
            finally:
                local.mock_test_case = None
                machine.executions = earlier + machine.executions

    sfn_models.StepFunctionsParserBackend.start_execution = start_execution

    original_init = execution_worker.ExecutionWorker.__init__

    def worker_init(self, *args, **kwargs):
        mock = getattr(local, "mock_test_case", None)
        if mock is not None and kwargs.get("mock_test_case") is None:
            kwargs["mock_test_case"] = mock
        original_init(self, *args, **kwargs)

    execution_worker.ExecutionWorker.__init__ = worker_init


_install_sfn_mocking()


def _exit_when_parent_gone():
    # stdin is a pipe held by the JVM; EOF means the JVM is gone (even after kill -9).
    # os.read on the raw fd: a buffered reader would hold a lock that breaks interpreter shutdown.
    try:
        while os.read(0, 4096):
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    port = sys.argv[1]
    os.environ["MOTO_PORT"] = port  # moto's Step Functions engine calls back to localhost:$MOTO_PORT
    threading.Thread(target=_exit_when_parent_gone, daemon=True, name="parent-watch").start()
    sys.stdout.write("moto_launcher: lambda host port %s, moto port %s\n" % (HOST_PORT, port))
    sys.stdout.flush()
    moto.server.main(["-H", "127.0.0.1", "-p", port])
