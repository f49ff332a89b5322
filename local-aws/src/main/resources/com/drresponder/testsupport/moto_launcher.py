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
import copy
import json
import os
import re
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
        # The host runs up to this many workers of the function at once (PutFunctionConcurrency).
        "reservedConcurrency": int(fn.reserved_concurrency) if getattr(fn, "reserved_concurrency", None) not in (None, "") else None,
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


def _install_rotate_test_only_fix():
    # RotateSecret with RotateImmediately=false only tests the rotation function: AWS stages an AWSPENDING
    # version for the testSecret step and removes it afterwards. moto leaves it staged, which every later
    # reader (the credential playbook included) rightly takes for a rotation still in flight.
    from moto.secretsmanager.models import SecretsManagerBackend
    original = SecretsManagerBackend.rotate_secret

    def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                      rotation_rules=None, rotate_immediately=True):
        before = set(self.secrets[secret_id].versions) if secret_id in self.secrets else set()
        result = original(self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules,
                          rotate_immediately)
        if not rotate_immediately:
            versions = self.secrets[secret_id].versions
            for version_id in set(versions) - before:
                if versions[version_id].get("version_stages") == ["AWSPENDING"]:
                    del versions[version_id]
        return result

    SecretsManagerBackend.rotate_secret = rotate_secret


_install_rotate_test_only_fix()


def _install_finished_rotation_fix():
    # A rotation ends with AWSPENDING either gone or on the AWSCURRENT version; AWS takes both for finished
    # (the rotation templates' finishSecret only moves AWSCURRENT). moto 5.2.1 inverts its own check and refuses
    # the next RotateSecret ("Previous rotation request is still in progress") exactly when AWSPENDING sits on
    # the AWSCURRENT version. Dropping that label first gives the next RotateSecret what AWS gives it.
    from moto.secretsmanager.models import SecretsManagerBackend
    original = SecretsManagerBackend.rotate_secret

    def rotate_secret(self, secret_id, *args, **kwargs):
        secret = self.secrets[secret_id] if secret_id in self.secrets else None
        for version in (secret.versions.values() if secret is not None else []):
            stages = version.get("version_stages", [])
            if "AWSPENDING" in stages and "AWSCURRENT" in stages:
                stages.remove("AWSPENDING")
        return original(self, secret_id, *args, **kwargs)

    SecretsManagerBackend.rotate_secret = rotate_secret


_install_finished_rotation_fix()


def _install_promote_read_replica_fix():
    # PromoteReadReplica makes the replica a standalone instance: AWS ends replication, so the promoted
    # instance no longer names a source (ReadReplicaSourceDBInstanceIdentifier) and the source no longer
    # lists it (ReadReplicaDBInstanceIdentifiers). moto only clears its private replica flag and keeps
    # both links, so a later reader would still take the promoted instance for a replica.
    from moto.rds.models import RDSBackend
    original = RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = self.databases.get(db_kwargs["db_instance_identifier"])
        source_id = database.source_db_instance_identifier if database is not None and database.is_replica else None
        result = original(self, db_kwargs)
        if source_id is not None:
            source = self.databases.get(source_id)
            if source is not None and result.db_instance_identifier in source.replicas:
                source.replicas.remove(result.db_instance_identifier)
            result.source_db_instance_identifier = None
        return result

    RDSBackend.promote_read_replica = promote_read_replica


_install_promote_read_replica_fix()


def _install_promote_not_a_replica():
    # AWS refuses to promote an instance that is no longer a read replica (InvalidDBInstanceState, "DB Instance is
    # not a read replica."), as when a retry follows a promotion whose answer was lost; moto answers it as a success.
    from moto.rds.models import RDSBackend
    from moto.rds.exceptions import RDSClientError
    original = RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = self.databases.get(db_kwargs["db_instance_identifier"])
        if database is not None and not database.is_replica:
            raise RDSClientError("InvalidDBInstanceState", "DB Instance is not a read replica.")
        return original(self, db_kwargs)

    RDSBackend.promote_read_replica = promote_read_replica


_install_promote_not_a_replica()


def _install_unique_dbi_resource_ids():
    # DbiResourceId is an instance's region-unique, immutable identifier in AWS: it survives renames, which is how
    # the failover's rename cut-over tells the promoted replica from the old primary whatever name each holds.
    # moto gives every instance the same constant, and a read replica (a shallow copy of its source) its source's.
    import random
    import string
    from moto.rds.models import DBInstance, RDSBackend

    def fresh():
        return "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))

    original_init = DBInstance.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = fresh()

    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):
        replica = original_replica(self, db_kwargs)
        replica.dbi_resource_id = fresh()
        return replica

    DBInstance.__init__ = __init__
    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica


_install_unique_dbi_resource_ids()


def _install_cluster_already_exists():
    # AWS refuses to create, restore or replicate into a cluster identifier that is taken
    # (DBClusterAlreadyExistsFault); moto 5.2.1 silently replaces the existing cluster. A retried restore whose
    # first answer was lost must meet the refusal it meets in AWS, and a foreign cluster must never be overwritten.
    from moto.rds.models import RDSBackend
    from moto.rds.exceptions import RDSClientError
    original = RDSBackend.create_db_cluster

    def create_db_cluster(self, kwargs):
        if kwargs["db_cluster_identifier"] in self.clusters:
            raise RDSClientError("DBClusterAlreadyExistsFault", "DB Cluster already exists")
        return original(self, kwargs)

    RDSBackend.create_db_cluster = create_db_cluster


_install_cluster_already_exists()


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

    def _tolerant_deepcopy(cls):
        """moto deep-copies the state machine at each start so a running execution keeps its definition;
        while another playbook's execution runs, that copy can reach objects holding thread locks and fail
        with HTTP 500. Copy each field on its own and share, by reference, what cannot be copied."""
        if getattr(cls, "_drr_tolerant_copy", False):
            return

        def __deepcopy__(self, memo):
            clone = cls.__new__(cls)
            memo[id(self)] = clone
            for key, value in self.__dict__.items():
                try:
                    clone.__dict__[key] = copy.deepcopy(value, memo)
                except TypeError:
                    clone.__dict__[key] = value
            return clone

        cls.__deepcopy__ = __deepcopy__
        cls._drr_tolerant_copy = True

    start_lock = threading.RLock()

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        # Like AWS (and moto's non-executing backend), an execution without a name gets a UUID; moto's
        # executing backend would name it "None" and treat later unnamed starts as idempotent repeats.
        name = name or str(uuid.uuid4())
        base_arn, sep, test_case_name = state_machine_arn.partition("#")
        machine = self.describe_state_machine(base_arn)
        _tolerant_deepcopy(type(machine))
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


def _install_asl_parse_cache():
    """moto parses a state machine's ASL with its ANTLR grammar (pure python: 150-400 ms of CPU for a playbook) at
    every StartExecution, in the execution's thread before its first state, and holding the GIL the whole emulator
    waits. The syntax tree depends on the definition text only, so each text is parsed once; the evaluation components
    an execution runs are still built afresh from it for every execution, as before."""
    import collections
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    original = AmazonStateLanguageParser.parse
    trees = collections.OrderedDict()  # definition -> syntax tree, least recently used first
    lock = threading.Lock()

    def parse(definition):
        with lock:
            tree = trees.get(definition)
            if tree is not None:
                trees.move_to_end(definition)
        if tree is None:
            program, tree = original(definition)  # a syntax error raises here, as before, and is not kept
            with lock:
                trees[definition] = tree
                while len(trees) > 32:
                    trees.popitem(last=False)
            return program, tree
        return Preprocessor().visit(tree), tree

    AmazonStateLanguageParser.parse = staticmethod(parse)


_install_asl_parse_cache()


def _install_json_path_cache():
    """jsonpath-ng builds its PLY parser, LALR tables included (40-150 ms of CPU), for every expression it parses, and
    moto's Step Functions engine parses each JSONPath (InputPath, Parameters' ".$" fields, ResultSelector, ResultPath,
    Choice variables) every time a state evaluates it: a third of the emulator's CPU in the credential benchmark. One
    parser per grammar is built once and parses each text once (PLY's parser keeps state while it parses: one at a
    time); a parsed path is an immutable expression tree (find and update_or_create change the data, not the path)."""
    import functools
    from jsonpath_ng.ext.parser import ExtendedJsonPathParser
    from jsonpath_ng.parser import JsonPathParser
    from moto.stepfunctions.parser.asl.utils import json_path
    from moto.stepfunctions.parser.asl.component.common.path import result_path

    parsers = {}
    lock = threading.Lock()

    def cached(grammar):
        @functools.lru_cache(maxsize=4096)
        def parse(path):
            with lock:
                if grammar not in parsers:
                    parsers[grammar] = grammar()
                return parsers[grammar].parse(path)
        return parse

    json_path.parse = cached(ExtendedJsonPathParser)  # moto's: jsonpath_ng.ext.parse
    result_path.parse = cached(JsonPathParser)  # moto's: jsonpath_ng.parse


_install_json_path_cache()


def _install_task_timeout_when_not_running():
    """moto 5.2.1 bug, not AWS behaviour: a Task state evaluates its TimeoutSeconds(Path)/HeartbeatSeconds(Path) and pops
    the result off the evaluation stack; but every component's eval() does nothing once the execution is no longer
    running (stopped, failed or ended by another branch meanwhile), so the pop takes the state's *input* instead and
    the TaskScheduled history event carries a dict as timeoutInSeconds. GetExecutionHistory then answers HTTP 500
    (int() of a dict) for that execution forever. Here a timeout or heartbeat evaluated after the execution stopped
    running pushes a placeholder number, so the pop stays balanced; the task does not run anyway, as in AWS."""
    from moto.stepfunctions.parser.asl.component.common.timeouts.heartbeat import Heartbeat
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import Timeout, TimeoutSeconds

    def balanced(cls):
        original = cls.eval

        def eval(self, env):
            if env.is_running():
                return original(self, env)
            env.stack.append(TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS)

        cls.eval = eval

    balanced(Timeout)
    balanced(Heartbeat)


_install_task_timeout_when_not_running()


def _install_alias_revision_checks():
    """moto 5.2.1 ignores UpdateAlias' RevisionId and never changes an alias's revision.
    AWS refuses a stale RevisionId with PreconditionFailedException and issues a new revision on every
    update; the rollback playbook's no-clobber guarantee depends on exactly that, so the emulator must too."""
    import json as _json
    import uuid as _uuid
    from urllib.parse import unquote as _unquote
    from moto.awslambda import models as lambda_models
    from moto.awslambda import responses as lambda_responses
    from moto.awslambda.exceptions import PreconditionFailedException

    original_update = lambda_responses.LambdaResponse.update_alias

    def update_alias(self):
        revision = (_json.loads(self.body or "{}") or {}).get("RevisionId")
        if revision:
            function_name = _unquote(self.path.rsplit("/")[-3])
            alias_name = _unquote(self.path.rsplit("/", 2)[-1])
            alias = self.backend.get_alias(alias_name, function_name)
            if alias.revision_id != revision:
                raise PreconditionFailedException(
                    "The Revision Id provided does not match the latest Revision Id. "
                    "Call the GetAlias API to retrieve the latest Revision Id")
        return original_update(self)

    original_alias_update = lambda_models.LambdaAlias.update

    def alias_update(self, *args, **kwargs):
        original_alias_update(self, *args, **kwargs)
        self.revision_id = str(_uuid.uuid4())

    lambda_responses.LambdaResponse.update_alias = update_alias
    lambda_models.LambdaAlias.update = alias_update


_install_alias_revision_checks()


def _install_codedeploy_stop():
    """moto 5.2.1's CodeDeploy creates and lists deployments (status "Created", never moving on) but has no
    StopDeployment. AWS stops an in-flight deployment and, with AutoRollbackEnabled, rolls it back: for a Lambda
    deployment it shifts the alias back to the AppSpec's CurrentVersion. The emulator does the same, so the rollback
    playbook can defer to CodeDeploy instead of fighting its traffic shifting (a JSON AppSpec is read; YAML is not)."""
    import json as _json
    from moto.codedeploy import responses as cd_responses
    from moto.awslambda.utils import get_backend as _lambda_backend

    final = {"Succeeded", "Failed", "Stopped"}

    def stop_deployment(self):
        deployment_id = self._get_param("deploymentId")
        rollback = bool(self._get_param("autoRollbackEnabled"))
        deployment = self.codedeploy_backend.get_deployment(deployment_id)
        if deployment.status in final:
            from moto.core.exceptions import JsonRESTError
            raise JsonRESTError("DeploymentAlreadyCompletedException", "The deployment %s is already completed" % deployment_id)
        deployment.status = "Stopped"
        if rollback:
            revision = deployment.revision or {}
            content = ((revision.get("appSpecContent") or {}).get("content")) or "{}"
            for resource in (_json.loads(content).get("Resources") or []):
                for spec in resource.values():
                    props = spec.get("Properties", {})
                    if spec.get("Type") == "AWS::Lambda::Function" and props.get("CurrentVersion"):
                        name = props["Name"].split(":function:")[-1].split(":")[0]
                        _lambda_backend(self.current_account, self.region).update_alias(
                            props["Alias"], name, str(props["CurrentVersion"]), None, {"AdditionalVersionWeights": {}})
        return _json.dumps({"status": "Succeeded", "statusMessage": "stopped" + (" and rolled back" if rollback else "")})

    cd_responses.CodeDeployResponse.stop_deployment = stop_deployment


_install_codedeploy_stop()


REQUEST_LOG = []
REQUEST_LOG_LOCK = threading.Lock()
ATOMIC_LOCKS = {"dynamodb": threading.Lock(), "states": threading.Lock()}


def _install_request_log():
    """Counts every AWS API request moto serves, as (service, action, client), for the benchmarks'
    API-call counts. POST /drr/requests lists them; POST /drr/requests/clear empties the list."""
    import io as _io
    import json as _json
    import re as _re
    import time as _time
    from urllib.parse import parse_qs as _parse_qs
    from moto.moto_server import werkzeug_app

    original_call = werkzeug_app.DomainDispatcherApplication.__call__
    # REST-protocol services name the action by method and path; Lambda's, which the playbooks use.
    _REST_ACTIONS = [
        ("POST", r"/functions/[^/]+/invocations$", "Invoke"),
        ("GET", r"/functions/[^/]+/aliases/[^/]+$", "GetAlias"),
        ("PUT", r"/functions/[^/]+/aliases/[^/]+$", "UpdateAlias"),
        ("POST", r"/functions/[^/]+/aliases$", "CreateAlias"),
        ("GET", r"/functions/[^/]+/versions$", "ListVersionsByFunction"),
        ("POST", r"/functions/[^/]+/versions$", "PublishVersion"),
        ("GET", r"/tags/", "ListTags"),
        ("POST", r"/tags/", "TagResource"),
        ("POST", r"/functions$", "CreateFunction"),
    ]

    def _service(environ):
        m = _re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        return m.group(1) if m else "unknown"

    def _action(environ, body):
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target.split(".")[-1]
        if body and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            action = _parse_qs(body.decode("utf-8", "replace")).get("Action")
            if action:
                return action[0]
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        for verb, pattern, name in _REST_ACTIONS:
            if method == verb and _re.search(pattern, path):
                return name
        return method + " " + path

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in ("/drr/faults", "/drr/faults/clear"):
            return _configure_faults(environ, start_response, path)
        if path == "/drr/rds-delay":
            return _configure_rds_delay(environ, start_response)
        if path in ("/drr/profile", "/drr/profile/clear"):
            return _serve_profile(start_response, clear=path.endswith("/clear"))
        if path in ("/drr/requests", "/drr/requests/clear"):
            with REQUEST_LOG_LOCK:
                if path.endswith("/clear"):
                    REQUEST_LOG.clear()
                payload = _json.dumps(REQUEST_LOG).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
            return [payload]
        if not path.startswith(("/moto-api", "/drr/")):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = _io.BytesIO(body)
            agent = environ.get("HTTP_USER_AGENT", "")
            client = "test" if "drr-test" in agent else "java-sdk" if "aws-sdk-java" in agent else ("boto3" if "Boto3" in agent or "Botocore" in agent else "other")
            service, action = _service(environ), _action(environ, body)
            fault = _take_fault(service, action, path.encode() + b" " + body) if FAULTS else None
            key = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
            # caller: the access key id, which names the function or state machine (see the API call log below);
            # path without query or body, so it never holds a parameter value beyond a REST resource name.
            # ms: receipt to answer (what the caller waited, nested work such as a Lambda invoke included);
            # cpuMs: CPU time of the thread that served it (moto's own work for it, whatever the machine's load).
            entry = {"service": service, "action": action, "client": client, "fault": fault["code"] if fault else None,
                     "caller": key.group(1) if key else None, "path": path, "at": _time.time()}
            with REQUEST_LOG_LOCK:
                REQUEST_LOG.append(entry)
            started, started_cpu = _time.perf_counter(), _time.thread_time()
            try:
                if fault:
                    return _serve_fault(fault, environ, start_response, lambda: original_call(self, environ, _discarding_start_response))
                if service == "dynamodb" or (service == "states" and action == "StartExecution"):
                    # AWS applies a conditional write (and a named StartExecution) atomically; moto checks and writes in
                    # separate steps, so concurrent callers (the Lambda host runs several workers) could both pass.
                    with ATOMIC_LOCKS[service]:
                        return list(original_call(self, environ, start_response))
                return list(original_call(self, environ, start_response))
            finally:
                entry["ms"] = round((_time.perf_counter() - started) * 1000, 1)
                entry["cpuMs"] = round((_time.thread_time() - started_cpu) * 1000, 1)
        return original_call(self, environ, start_response)

    werkzeug_app.DomainDispatcherApplication.__call__ = __call__


_install_request_log()


# ---- Fault injection ---------------------------------------------------------------------------
# AWS fails calls (throttling, 5xx, lost responses); moto never does. Tests add faults with POST /drr/faults
# ({"service", "action", "status", "code", "message", "lostResponse", "matching", "times"}; times < 0 = until
# cleared) and remove them with POST /drr/faults/clear. A fault answers the next matching request with an AWS
# error in the request's protocol; a lost-response fault first lets moto perform the call, then answers with the
# error, as when AWS did the work and the response never arrived. The request log names the injected code.
FAULTS = []
FAULTS_LOCK = threading.Lock()
_SDK_NAMES = {"sfn": "states"}  # SDK client name -> SigV4 name, where they differ and the IAM prefix does not


def _configure_faults(environ, start_response, path):
    import json as _json
    with FAULTS_LOCK:
        if path.endswith("/clear"):
            FAULTS.clear()
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            fault = _json.loads(environ["wsgi.input"].read(length) or b"{}")
            for key in ("service", "action", "status", "code"):
                if key not in fault:
                    payload = ("fault needs " + key).encode()
                    start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", str(len(payload)))])
                    return [payload]
            signing_names = {prefix: name for name, prefix in _IAM_PREFIX.items()}  # the one SigV4 <-> IAM table
            signing_names.update(_SDK_NAMES)
            fault["service"] = signing_names.get(fault["service"], fault["service"])
            FAULTS.append(fault)
        payload = _json.dumps(FAULTS).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def _discarding_start_response(status, headers, exc_info=None):
    return lambda data: None


def _take_fault(service, action, request_text):
    with FAULTS_LOCK:
        for fault in FAULTS:
            if fault["service"] != service or fault["action"] != action:
                continue
            if fault.get("matching") and fault["matching"].encode() not in request_text:
                continue
            times = fault.get("times", 1)
            if times > 0:
                fault["times"] = times - 1
                if fault["times"] == 0:
                    FAULTS.remove(fault)
            return dict(fault)
    return None


def _serve_fault(fault, environ, start_response, perform):
    import json as _json
    from xml.sax.saxutils import escape as _escape
    if fault.get("lostResponse"):
        for _ in perform():  # moto does the work; its answer is dropped
            pass
    code, message = fault["code"], fault.get("message") or "Injected by the test harness"
    status = "%d %s" % (fault["status"], "Error")
    content_type = environ.get("CONTENT_TYPE", "")
    sender = "Sender" if fault["status"] < 500 else "Receiver"
    if content_type.startswith("application/x-www-form-urlencoded"):  # query protocol (RDS, SNS, IAM, ...)
        payload = ("<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>"
                   "<RequestId>drr-fault</RequestId></ErrorResponse>" % (sender, _escape(code), _escape(message))).encode()
        headers = [("Content-Type", "text/xml")]
    else:  # JSON 1.0/1.1 and REST-JSON (Lambda)
        payload = _json.dumps({"__type": code, "message": message, "Message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code),
                   ("x-amzn-query-error", "%s;%s" % (code, sender))]
    start_response(status, headers + [("x-amzn-RequestId", "drr-fault"), ("Content-Length", str(len(payload)))])
    return [payload]



# ---- API call log for the offline IAM check ---------------------------------------------------
# Every request moto serves becomes one JSON line in $DRR_API_CALL_LOG: who called (principal), which
# action, the resource ARNs it authorises against with their tags at that moment, and the request's
# tags. Parameter values themselves are never written (they may hold secrets); only identifiers are.
API_CALL_LOG = os.environ.get("DRR_API_CALL_LOG")
API_CALL_LOG_LOCK = threading.Lock()
# Access key ids that name the caller (docs/CONTRACTS.md): the Java host signs each function's calls
# with "drr-function.<name>", the Step Functions engine each state machine's with "drr-state-machine.<name>".
FUNCTION_KEY_PREFIX = "drr-function."
STATE_MACHINE_KEY_PREFIX = "drr-state-machine."
_caller = threading.local()
_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/")

# Request parameters that name a resource, per IAM service prefix: parameter -> ARN resource part
# ("{}" is the value). A value that already is an ARN is taken as it is, whatever its parameter.
_IDENTIFIER_PARAMETERS = {
    "rds": {
        # A rename (NewDB...Identifier) is authorised against the database as it is named now, so it is not listed.
        "DBClusterIdentifier": "cluster:{}", "SourceDBClusterIdentifier": "cluster:{}",
        "DBInstanceIdentifier": "db:{}", "SourceDBInstanceIdentifier": "db:{}", "TargetDBInstanceIdentifier": "db:{}",
        "DBClusterSnapshotIdentifier": "cluster-snapshot:{}",
        "SnapshotIdentifier": "cluster-snapshot:{}",  # RestoreDBClusterFromSnapshot's source
        "DBSnapshotIdentifier": "snapshot:{}", "DBSubnetGroupName": "subgrp:{}",
        "DBClusterParameterGroupName": "cluster-pg:{}", "DBParameterGroupName": "pg:{}", "OptionGroupName": "og:{}",
        # a global cluster belongs to no region: arn:aws:rds::<account>:global-cluster:<id>
        "GlobalClusterIdentifier": "global-cluster:{}",
    },
    "lambda": {"FunctionName": "function:{}"},
    "dynamodb": {"TableName": "table/{}"},
    "secretsmanager": {"SecretId": "secret:{}"},
    "iam": {"UserName": "user/{}", "RoleName": "role/{}"},
    "ssm": {"Name": "parameter/{}"},
    "cloudwatch": {"AlarmName": "alarm:{}", "AlarmNames": "alarm:{}"},
    "kms": {"KeyId": "key/{}"},
    "events": {"EventBusName": "event-bus/{}"},
}
_IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}  # SigV4 signing name -> IAM service prefix


_HANDLERS = {}  # function name -> handler, kept across resets: a worker may still call after its test ended


def _principal_of(access_key, account, region):
    if access_key.startswith(FUNCTION_KEY_PREFIX):
        # The handler names the function in the template too (local function names differ from the stack's).
        name = access_key[len(FUNCTION_KEY_PREFIX):]
        if name not in _HANDLERS:
            from moto.awslambda.utils import get_backend
            _HANDLERS[name] = get_backend(account, region).get_function(name).handler
        return {"type": "function", "name": name, "handler": _HANDLERS[name]}
    if access_key.startswith(STATE_MACHINE_KEY_PREFIX):
        return {"type": "state-machine", "name": access_key[len(STATE_MACHINE_KEY_PREFIX):]}
    return {"type": "caller", "name": access_key}


def _parsed_parameters(response, request):
    from moto.core.parse import PROTOCOL_PARSERS
    from moto.core.request import determine_request_protocol, normalize_request
    from moto.core.utils import get_service_model

    normalized = normalize_request(request)
    model = get_service_model(response.boto3_service_name)
    operation = model.operation_model(response._get_action())
    protocol = determine_request_protocol(model, normalized.content_type)
    parser = PROTOCOL_PARSERS[protocol](operation, map_type=dict)
    return parser.parse({
        "method": normalized.method, "values": normalized.values, "headers": normalized.headers,
        "body": normalized.data, "url_path": normalized.path,
        "url_params": response.uri_match.groupdict() if response.uri_match else {},
    })


def _strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _walk(params):
    """Every (member name, value) pair in the parsed request, nested structures included."""
    if isinstance(params, dict):
        for key, value in params.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(params, list):
        for item in params:
            yield from _walk(item)


def _resource_arns(prefix, params, region, account):
    arns = []
    identifiers = _IDENTIFIER_PARAMETERS.get(prefix, {})
    for key, value in _walk(params):
        for text in _strings(value):
            if text.startswith("arn:"):
                arn = text
            elif key in identifiers:
                resource = identifiers[key].format(text.lstrip("/") if prefix == "ssm" else text)
                scope = "" if prefix == "iam" or resource.startswith("global-cluster:") else region
                arn = "arn:aws:%s:%s:%s:%s" % (prefix, scope, account, resource)
            else:
                continue
            if arn not in arns:
                arns.append(arn)
    if prefix == "codedeploy" and isinstance(params, dict):
        # IAM authorises ListDeployments against the deployment group (deploymentgroup:<application>/<group>);
        # StopDeployment has no resource-level permissions
        app, group = params.get("applicationName"), params.get("deploymentGroupName")
        if app and group:
            arns.append("arn:aws:codedeploy:%s:%s:deploymentgroup:%s/%s" % (region, account, app, group))
        elif params.get("deploymentId") and "autoRollbackEnabled" not in params:
            # GetDeployment is authorised against the deployment's group, which the request does not name
            from moto.codedeploy.models import codedeploy_backends
            deployment = codedeploy_backends[account][region].deployments.get(params["deploymentId"])
            if deployment is not None:
                arns.append("arn:aws:codedeploy:%s:%s:deploymentgroup:%s/%s"
                            % (region, account, deployment.application_name, deployment.deployment_group_name))
    if prefix == "wafv2" and isinstance(params, dict) and params.get("Name") and params.get("Id"):
        scope = "global" if params.get("Scope") == "CLOUDFRONT" else "regional"
        arns.append("arn:aws:wafv2:%s:%s:%s/ipset/%s/%s" % (region, account, scope, params["Name"], params["Id"]))
    return arns


def _request_tags(params):
    """Tags the request sets: RDS/Secrets Manager/WAF lists of {Key, Value}, Lambda/SQS maps, Step Functions {key, value}."""
    tags = {}
    if not isinstance(params, dict):
        return tags
    value = params.get("Tags") or params.get("tags")
    if isinstance(value, dict):
        tags.update({str(k): str(v) for k, v in value.items()})
    elif isinstance(value, list):
        for tag in value:
            if isinstance(tag, dict):
                key = tag.get("Key", tag.get("key"))
                if key is not None:
                    tags[str(key)] = str(tag.get("Value", tag.get("value", "")))
    return tags


def _tag_map(tags):
    """moto keeps tags as {key: value}, {key: {Key, Value}}, [{Key, Value}], nested lists or (list, next token)."""
    out = {}
    if isinstance(tags, dict):
        for key, value in tags.items():
            out.update(_tag_map([value]) if isinstance(value, dict) else {str(key): str(value)})
    elif isinstance(tags, (list, tuple)):
        for tag in tags:
            if isinstance(tag, dict) and "Key" in tag:
                out[str(tag["Key"])] = str(tag.get("Value", ""))
            else:
                out.update(_tag_map(tag))
    return out


def _resource_tags(arn, account, region):
    """The resource's tags in moto's state now, or None when it does not exist (yet)."""
    from moto.core.exceptions import ServiceException, _RESTError
    parts = arn.split(":")
    prefix = parts[2]
    if prefix == "lambda" and parts[5:6] != ["function"]:
        return {}
    try:
        if prefix == "rds":
            from moto.rds.models import rds_backends
            return _tag_map(rds_backends[account][region].list_tags_for_resource(arn))
        if prefix == "lambda":
            from moto.awslambda.utils import get_backend
            function = get_backend(account, region).get_function(arn.split(":")[6])
            _HANDLERS.setdefault(function.function_name, function.handler)
            return _tag_map(function.tags)
        if prefix == "secretsmanager":
            from moto.secretsmanager.models import secretsmanager_backends
            backend = secretsmanager_backends[account][region]
            secret_id = arn if arn in backend.secrets else arn.split(":", 6)[6][len("secret:"):]
            if secret_id not in backend.secrets:
                return None
            return _tag_map(backend.secrets[secret_id].tags)
        if prefix == "iam":
            from moto.iam.models import iam_backends
            backend = iam_backends[account]["aws"]
            kind, name = arn.split(":", 5)[5].split("/", 1)
            entity = backend.get_user(name) if kind == "user" else backend.get_role(name)
            return _tag_map(entity.tags)
        if prefix == "wafv2":
            from moto.wafv2.models import wafv2_backends
            return _tag_map(wafv2_backends[account][region].list_tags_for_resource(arn))
        if prefix == "ssm":
            from moto.ssm.models import ssm_backends
            name = "/" + arn.split(":parameter/", 1)[1]
            backend = ssm_backends[account][region]
            if backend.get_parameter(name) is None:
                return None
            return _tag_map(backend.list_tags_for_resource("Parameter", name))
    except (ServiceException, _RESTError, KeyError):
        return None
    return {}


def _resource(arn, account, region):
    """The ARN with its tags now; a Lambda function also with its handler, which names it in the template."""
    resource = {"arn": arn, "tags": _resource_tags(arn, account, region)}
    if arn.split(":")[2:3] == ["lambda"] and arn.split(":")[5:6] == ["function"] and arn.split(":")[6] in _HANDLERS:
        resource["handler"] = _HANDLERS[arn.split(":")[6]]
    return resource


def _describe_call(response, request):
    match = _CREDENTIAL.search(response.headers.get("Authorization", "") or "")
    if not match:
        return None
    access_key, signing_name = match.group(1), match.group(2)
    prefix = _IAM_PREFIX.get(signing_name, signing_name)
    record = {"principal": _principal_of(access_key, response.current_account, response.region), "service": prefix, "action": response._get_action(),
              "region": response.region, "account": response.current_account}
    try:
        params = _parsed_parameters(response, request)
    except Exception as e:  # recorded, so the check reports a call it cannot evaluate
        record["unparsed"] = "%s: %s" % (type(e).__name__, e)
        params = None
    record["resources"] = [_resource(arn, response.current_account, response.region)
                           for arn in _resource_arns(prefix, params, response.region, response.current_account)]
    record["requestTags"] = _request_tags(params)
    return record


def _append_api_call(record):
    line = json.dumps(record, sort_keys=True)
    with API_CALL_LOG_LOCK:
        with open(API_CALL_LOG, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def _install_api_call_log():
    if not API_CALL_LOG:
        return
    from moto.core.responses import BaseResponse

    original_setup = BaseResponse.setup_class
    original_call = BaseResponse.call_action

    def setup_class(self, request, full_url, headers, *args, **kwargs):
        self._drr_request = request
        return original_setup(self, request, full_url, headers, *args, **kwargs)

    def call_action(self):
        request = getattr(self, "_drr_request", None)
        if request is not None:
            try:
                record = _describe_call(self, request)
            except Exception as e:  # the check fails on this record: a call it could not describe is not proven
                import traceback
                record = {"logError": "%s: %s" % (type(e).__name__, e), "path": getattr(self, "path", None),
                          "trace": traceback.format_exc(limit=-2)}
            if record is not None:
                _append_api_call(record)
        return original_call(self)

    BaseResponse.setup_class = setup_class
    BaseResponse.call_action = call_action


def _install_state_machine_credentials():
    """The Step Functions engine signs every service integration call (aws-sdk tasks, lambda:invoke) with
    "ak"; sign them with a key naming the state machine, as its role would in AWS."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils  # noqa: F401 (patched below)
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk  # noqa: F401
    from moto.stepfunctions.parser.asl.utils import boto_client as boto_client_module
    import boto3

    original_client_for = boto_client_module.boto_client_for
    # moto builds a boto3 client for every task (~16 ms of CPU); a new Session per task, as this patch once made, also
    # re-read the service models from disk (~130 ms), all under the GIL. One client per state machine, service, region
    # and role (the task's credentials: moto 5.2.1 signs with "ak" whatever they are) serves every task (botocore
    # clients are thread-safe); only their creation is serialised.
    session = boto3.session.Session()
    clients = {}
    clients_lock = threading.Lock()

    def boto_client_for(region, service, state_credentials=None):
        name = getattr(_caller, "state_machine", None)
        key = (region, service, name, getattr(state_credentials, "role_arn", state_credentials))
        client = clients.get(key)
        if client is not None:
            return client
        with clients_lock:
            client = clients.get(key)
            if client is None:
                client = original_client_for(region=region, service=service, state_credentials=state_credentials)
                if name is not None:
                    client = session.client(service, region_name=region, endpoint_url=client.meta.endpoint_url,
                                            config=client.meta.config, aws_access_key_id=STATE_MACHINE_KEY_PREFIX + name,
                                            aws_secret_access_key="sk")
                clients[key] = client
            return client

    for module in list(sys.modules.values()):
        if getattr(module, "boto_client_for", None) is original_client_for:
            module.boto_client_for = boto_client_for

    original_eval = state_task_service.StateTaskService._eval_execution

    def _eval_execution(self, env):
        previous = getattr(_caller, "state_machine", None)
        _caller.state_machine = env.states.context_object.context_object_data["StateMachine"]["Name"]
        try:
            return original_eval(self, env)
        finally:
            _caller.state_machine = previous

    state_task_service.StateTaskService._eval_execution = _eval_execution


_install_api_call_log()
_install_state_machine_credentials()


def _install_sdk_error_names():
    """AWS names aws-sdk integration errors <Service>.<Exception> with the service in PascalCase
    (Lambda.PreconditionFailedException, SecretsManager.InvalidRequestException); moto 5.2.1 knows only
    DynamoDb and Sfn and falls back to the lower-case name, so Catch clauses written for AWS would miss."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk as sdk
    sdk._SERVICE_ERROR_NAMES.update({
        "lambda": "Lambda", "secretsmanager": "SecretsManager", "rds": "Rds", "iam": "Iam", "wafv2": "Wafv2",
        "cloudwatch": "CloudWatch", "ssm": "Ssm", "sns": "Sns", "sqs": "Sqs", "s3": "S3", "ec2": "Ec2", "codedeploy": "CodeDeploy"})


_install_sdk_error_names()


def _install_sdk_parameter_casing():
    """AWS Step Functions names aws-sdk task parameters after the service's SDK model, matching member
    names regardless of case (DbClusterIdentifier for RDS's DBClusterIdentifier); moto 5.2.1 hands them
    to boto3 unchanged, so botocore rejects them. Re-case every key to the model's member name."""
    import botocore
    import botocore.session
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk as sdk

    session = botocore.session.get_session()
    operations = {}

    def operation(service, action):
        """The SDK model of an aws-sdk task's action, None if the service has no such operation."""
        key = (service, action)
        if key not in operations:
            model = session.get_service_model(service)
            by_snake = {botocore.xform_name(name): name for name in model.operation_names}
            name = by_snake.get(action)
            operations[key] = model.operation_model(name) if name else None
        return operations[key]

    def rename(value, shape, member):
        """value with each structure key renamed by member(structure, key) -> (new key, member shape), down lists and maps."""
        if shape is None:
            return value
        if shape.type_name == "structure" and isinstance(value, dict):
            out = {}
            for k, v in value.items():
                name, member_shape = member(shape, k)
                out[name] = rename(v, member_shape, member)
            return out
        if shape.type_name == "list" and isinstance(value, list):
            return [rename(v, shape.member, member) for v in value]
        if shape.type_name == "map" and isinstance(value, dict):
            return {k: rename(v, shape.value, member) for k, v in value.items()}
        return value

    def model_member(structure, key):
        name = next((m for m in structure.members if m.lower() == key.lower()), key)
        return name, structure.members.get(name)

    def shape(service, action, direction):
        model = operation(service, action)
        return getattr(model, direction) if model else None

    original = sdk.StateTaskServiceAwsSdk._eval_service_task

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        recased = rename(dict(normalised_parameters),
                         shape(self._get_boto_service_name(), self._get_boto_service_action(), "input_shape"), model_member)
        normalised_parameters.clear()
        normalised_parameters.update(recased)
        return original(self, env=env, resource_runtime_part=resource_runtime_part,
                        normalised_parameters=normalised_parameters, state_credentials=state_credentials)

    sdk.StateTaskServiceAwsSdk._eval_service_task = _eval_service_task

    # The other direction: AWS Step Functions returns an aws-sdk task's result with its members named as the SDK
    # model's, first letter upper case (CodeDeploy's "deployments" is "Deployments"); moto hands boto3's dict back
    # as it is. Re-case structure members only (map keys such as a DynamoDB item's attribute names stay as they are).
    def upper_first(structure, key):
        return key[:1].upper() + key[1:], structure.members.get(key)

    def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
        if isinstance(response, dict):
            output = shape(self._get_boto_service_name(boto_service_name), self._get_boto_service_action(service_action_name),
                           "output_shape")
            recased = rename(dict(response), output, upper_first)
            response.clear()
            response.update(recased)

    sdk.StateTaskServiceAwsSdk._normalise_response = _normalise_response


_install_sdk_parameter_casing()


# ---- RDS timing and events (emulator addition) -------------------------------------------------
# moto makes every RDS resource available at once and emits no RDS events. Real RDS keeps a new snapshot
# "creating", a new database "creating", a renamed one "renaming" for minutes, and sends an event to
# EventBridge's default bus when it is done. POST /drr/rds-delay {"seconds": N} makes the emulator do the
# same: from then on each create/restore/snapshot/modify/promotion leaves the resource in its interim status for N s,
# then puts it back (available, or a renamed resource's status from before) and emits the RDS event on the
# default bus. N = 0 (the default) keeps moto's behaviour. {"events": false} keeps the delay and drops the
# events (RDS emits events best effort). Rules on the default bus then deliver to Lambda targets as well
# (moto delivers only to SQS, Logs, buses and API destinations), asynchronously like EventBridge, and only
# while the rule is ENABLED (moto ignores the rule's state).
RDS_DELAY = {"seconds": 0.0, "events": True}
RDS_TIMERS = []


def _configure_rds_delay(environ, start_response):
    import json as _json
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = _json.loads(environ["wsgi.input"].read(length) or b"{}")
    RDS_DELAY["seconds"] = float(body.get("seconds", 0))
    RDS_DELAY["events"] = bool(body.get("events", True))
    payload = _json.dumps(RDS_DELAY).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def _emit_rds_event(backend, detail_type, source_type, resource, identifier, category, event_id, message):
    import datetime as _dt
    from moto.events.models import events_backends
    if not RDS_DELAY["events"]:
        return
    now = _dt.datetime.now(_dt.timezone.utc)
    detail = {"EventCategories": [category], "SourceType": source_type, "SourceArn": resource.arn,
              "Date": now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000),
              "Message": message, "SourceIdentifier": identifier, "EventID": event_id}
    events_backends[backend.account_id][backend.region_name].put_events([{
        "Source": "aws.rds", "DetailType": detail_type, "Detail": json.dumps(detail), "Resources": [resource.arn]}])


def _after_delay(resource, interim, final, emit):
    seconds = RDS_DELAY["seconds"]
    if seconds <= 0:
        return
    resource.status = interim

    def done():
        if resource.status == interim:  # nobody else moved it meanwhile (a delete, a later change)
            resource.status = final
            try:
                emit()
            except Exception as e:  # an event that cannot be delivered is lost, as RDS's may be
                sys.stderr.write("moto_launcher: RDS event not emitted: %s\n" % e)

    timer = threading.Timer(seconds, done)
    timer.daemon = True
    RDS_TIMERS.append(timer)
    timer.start()


def _install_rds_delays():
    from moto.rds.models import RDSBackend

    def wrap(name, interim, event):
        original = getattr(RDSBackend, name)

        def wrapped(self, *args, **kwargs):
            before, renaming = None, None
            if name == "modify_db_cluster":
                renaming = args[0].get("new_db_cluster_identifier")
            elif name == "modify_db_instance":
                renaming = args[1].get("new_db_instance_identifier")  # read first: moto pops it from the arguments
            if name.startswith("modify_"):
                current = (self.clusters.get(args[0]["db_cluster_identifier"]) if name == "modify_db_cluster"
                           else self.databases.get(args[0]))
                before = current.status if current is not None else None
            result = original(self, *args, **kwargs)
            resource = result
            if name == "modify_db_cluster":  # moto returns a copy; the stored cluster is under the (new) name
                resource = self.clusters[result.db_cluster_identifier]
            status = "renaming" if renaming else interim
            final = before if name.startswith("modify_") and before else "available"
            old_name = (args[0]["db_cluster_identifier"] if name == "modify_db_cluster" else args[0]) if renaming else None
            shape = event(resource, old_name)
            if shape is None:  # RDS emits no event for this change: the wait ends on its fallback poll
                _after_delay(resource, status, final, lambda: None)
                return result
            detail_type, source_type, category, event_id, message = shape
            identifier = {"SNAPSHOT": "db_snapshot_identifier", "CLUSTER_SNAPSHOT": "db_cluster_snapshot_identifier",
                          "CLUSTER": "db_cluster_identifier", "DB_INSTANCE": "db_instance_identifier"}[source_type]
            identifier = getattr(resource, identifier)
            _after_delay(resource, status, final, lambda: _emit_rds_event(
                self, detail_type, source_type, resource, identifier, category, event_id, message))
            return result

        setattr(RDSBackend, name, wrapped)

    # Event ids, categories and messages from the RDS event tables (RDS and Aurora user guides). A cluster rename is
    # RDS-EVENT-0172, category "notification"; the tables list no event for an instance rename, so none is emitted;
    # other modifications have no single id, so the emulator names its own.
    wrap("create_db_snapshot", "creating",
         lambda r, _: ("RDS DB Snapshot Event", "SNAPSHOT", "creation", "RDS-EVENT-0042", "Manual snapshot created"))
    wrap("create_db_cluster_snapshot", "creating",
         lambda r, _: ("RDS DB Cluster Snapshot Event", "CLUSTER_SNAPSHOT", "backup", "RDS-EVENT-0075", "Manual cluster snapshot created"))
    wrap("create_db_instance", "creating",
         lambda r, _: ("RDS DB Instance Event", "DB_INSTANCE", "creation", "RDS-EVENT-0005", "DB instance created"))
    wrap("restore_db_cluster_to_point_in_time", "creating",
         lambda r, _: ("RDS DB Cluster Event", "CLUSTER", "creation", "RDS-EVENT-0170", "DB cluster created"))
    wrap("create_db_cluster", "creating",
         lambda r, _: ("RDS DB Cluster Event", "CLUSTER", "creation", "RDS-EVENT-0170", "DB cluster created"))
    wrap("modify_db_instance", "modifying",
         lambda r, old_name: None if old_name else ("RDS DB Instance Event", "DB_INSTANCE", "configuration change",
                                                    "DRR-EMULATOR-MODIFIED", "Finished applying modification"))
    wrap("modify_db_cluster", "modifying",
         lambda r, old_name: ("RDS DB Cluster Event", "CLUSTER", "notification", "RDS-EVENT-0172",
                              "Renamed cluster from %s to %s" % (old_name, r.db_cluster_identifier)) if old_name
         else ("RDS DB Cluster Event", "CLUSTER", "configuration change", "DRR-EMULATOR-MODIFIED", "Finished applying modification"))
    # a promotion takes minutes in RDS too (the instance is "modifying" meanwhile); its event id is the emulator's own
    wrap("promote_read_replica", "modifying",
         lambda r, _: ("RDS DB Instance Event", "DB_INSTANCE", "read replica", "DRR-EMULATOR-PROMOTED", "Promoted read replica"))


def _install_rule_lambda_targets():
    from moto.events.models import Rule
    original = Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        if getattr(self, "state", "ENABLED") != "ENABLED" or not self.event_pattern.matches_event(original_event):
            return
        lambdas = [t for t in self.targets if t["Arn"].split(":")[2] == "lambda"]
        others = [t for t in self.targets if t not in lambdas]
        for target in lambdas:
            from moto.awslambda.utils import get_backend
            arn = target["Arn"]
            parts = arn.split(":")
            name, qualifier = parts[6], (parts[7] if len(parts) > 7 else None)
            get_backend(parts[4], parts[3]).invoke(name, qualifier, json.dumps(original_event).encode(),
                                                   {"X-Amz-Invocation-Type": "Event"}, {})
        if others:
            saved = self.targets
            self.targets = others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = saved

    Rule.send_to_targets = send_to_targets


_install_rds_delays()
_install_rule_lambda_targets()


# ---- Aurora Global Database: managed switchover / failover, detach (emulator addition) -----------
# moto 5.2.1 creates, describes and deletes global clusters (kept in us-east-1's backend whatever region asks, as a
# global cluster belongs to no region) and lets a cluster join one (CreateDBCluster GlobalClusterIdentifier), but
# it has no SwitchoverGlobalCluster or FailoverGlobalCluster, and its RemoveFromGlobalCluster finds the global
# cluster only when asked in us-east-1 (elsewhere it silently answers with nothing and changes nothing).
def _global_clusters(account):
    from moto.rds.models import rds_backends
    return rds_backends[account]["us-east-1"].global_clusters


def _global_cluster(account, identifier):
    from moto.rds.exceptions import RDSClientError
    name = identifier.split(":global-cluster:")[-1]
    found = _global_clusters(account).get(name)
    if found is None:
        raise RDSClientError("GlobalClusterNotFoundFault", "Global cluster %s not found." % identifier)
    return found


def _global_member(global_cluster, target):
    """The member named by TargetDbClusterIdentifier / DbClusterIdentifier: AWS takes the member's ARN."""
    from moto.rds.exceptions import RDSClientError
    for member in global_cluster.members:
        if target in (member.db_cluster_arn, member.db_cluster_identifier):
            return member
    raise RDSClientError("DBClusterNotFoundFault", "DBCluster %s is not a member of global cluster %s."
                         % (target, global_cluster.global_cluster_identifier))


def _move_global_writer(global_cluster, target, interim):
    """The target becomes the writer, every other member a secondary. With an RDS delay the global cluster and both
    clusters first stay in the interim status (AWS: 'switching-over' / 'failing-over', minutes), as AWS reports."""
    old = [m for m in global_cluster.members if m.is_writer]
    for member in global_cluster.members:
        member.is_writer = member is target
    global_cluster.failover_state = {"Status": "pending", "FromDbClusterArn": old[0].db_cluster_arn if old else None,
                                     "ToDbClusterArn": target.db_cluster_arn, "IsDataLossAllowed": interim == "failing-over"}
    if RDS_DELAY["seconds"] > 0:
        global_cluster.status = interim
        _after_delay(global_cluster, interim, "available", lambda: None)
        for member in [target] + old:
            _after_delay(member, interim, "available", lambda: None)
    else:
        global_cluster.failover_state = None


def _install_global_cluster_failover():
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import GlobalCluster, RDSBackend
    from moto.rds.responses import RDSResponse
    from moto.core.responses import ActionResult

    GlobalCluster.failover_state = None  # DescribeGlobalClusters' FailoverState: only while a failover runs

    def checked(self, interim):
        global_cluster = _global_cluster(self.current_account, self._get_param("GlobalClusterIdentifier"))
        target = _global_member(global_cluster, self._get_param("TargetDbClusterIdentifier"))
        if global_cluster.status != "available":
            raise RDSClientError("InvalidGlobalClusterStateFault", "Global cluster %s is %s."
                                 % (global_cluster.global_cluster_identifier, global_cluster.status))
        if target.is_writer:
            raise RDSClientError("InvalidDBClusterStateFault", "DBCluster %s is already the primary cluster of %s."
                                 % (target.db_cluster_arn, global_cluster.global_cluster_identifier))
        if target.status != "available":
            raise RDSClientError("InvalidDBClusterStateFault", "DBCluster %s is %s." % (target.db_cluster_arn, target.status))
        return global_cluster, target

    # AWS SwitchoverGlobalCluster: a planned switchover, no data loss. RDS waits until the secondary has every change of
    # the primary, then swaps the roles: the target writes, the old primary becomes a secondary. Both must be available.
    # Emulator: swaps the writer flag (at once, or after the RDS delay); the primary must be available too.
    def switchover_global_cluster(self):
        global_cluster, target = checked(self, "switching-over")
        writers = [m for m in global_cluster.members if m.is_writer]
        if writers and writers[0].status != "available":
            raise RDSClientError("InvalidDBClusterStateFault", "Primary cluster %s is %s: a switchover needs a healthy primary; "
                                 "use FailoverGlobalCluster with AllowDataLoss." % (writers[0].db_cluster_arn, writers[0].status))
        _move_global_writer(global_cluster, target, "switching-over")
        return ActionResult({"GlobalCluster": global_cluster})

    # AWS FailoverGlobalCluster: with AllowDataLoss=true an unplanned failover (the secondary is promoted at once; what had
    # not replicated is lost; the old primary rejoins as a secondary once it recovers); with Switchover=true the same as
    # SwitchoverGlobalCluster; with neither (or both) AWS refuses the call. Emulator: the same checks, then the writer
    # flag moves (the primary's health is not required for a failover).
    def failover_global_cluster(self):
        allow_data_loss = str(self._get_param("AllowDataLoss")).lower() == "true"
        switchover = str(self._get_param("Switchover")).lower() == "true"
        if allow_data_loss == switchover:
            raise RDSClientError("InvalidParameterCombination", "Specify exactly one of AllowDataLoss or Switchover.")
        if switchover:
            return switchover_global_cluster(self)
        global_cluster, target = checked(self, "failing-over")
        _move_global_writer(global_cluster, target, "failing-over")
        return ActionResult({"GlobalCluster": global_cluster})

    # AWS RemoveFromGlobalCluster (detach), asked in the member's own region with its ARN: the cluster leaves the global
    # cluster and becomes a standalone cluster that writes (a detached secondary is promoted); replication to it ends.
    # Emulator: finds the global cluster whatever region asks, removes the member, clears its link and makes it a writer.
    def remove_from_global_cluster(self):
        global_cluster = _global_cluster(self.current_account, self._get_param("GlobalClusterIdentifier"))
        member = _global_member(global_cluster, self._get_param("DbClusterIdentifier"))
        global_cluster.members.remove(member)
        member.global_cluster_identifier = None
        member.is_writer = True
        return ActionResult({"GlobalCluster": global_cluster})

    # AWS CreateGlobalCluster with SourceDBClusterIdentifier: the source becomes the primary (writer) member and its
    # GlobalClusterIdentifier names the global cluster; moto leaves it a non-writer and puts the ARN there.
    original_create = RDSBackend.create_global_cluster

    def create_global_cluster(self, *args, **kwargs):
        global_cluster = original_create(self, *args, **kwargs)
        for member in global_cluster.members:
            member.is_writer = True
            member.global_cluster_identifier = global_cluster.global_cluster_identifier
        return global_cluster

    RDSBackend.create_global_cluster = create_global_cluster
    RDSResponse.switchover_global_cluster = switchover_global_cluster
    RDSResponse.failover_global_cluster = failover_global_cluster
    RDSResponse.remove_from_global_cluster = remove_from_global_cluster


_install_global_cluster_failover()


# ---- CPU profile (diagnostics, opt-in) ----------------------------------------------------------
# With DRR_MOTO_PROFILE=1 a sampler thread charges every thread's CPU time since its last look (every 20 ms) to the
# stack that thread is running: where the emulator's CPU goes, whatever else loads the machine, without a profiler
# installed. POST /drr/profile answers flame-graph "collapsed" lines ("outer;...;inner cpu_ms", outermost frames cut
# beyond 40), /drr/profile/clear empties it. A thread that lives less than one interval is not seen.
PROFILE = {}
PROFILE_LOCK = threading.Lock()


def _sample_cpu(interval=0.02, depth=40):
    import time as _time
    last, me = {}, threading.get_ident()
    while True:
        _time.sleep(interval)
        frames = sys._current_frames()
        for ident, frame in frames.items():
            if ident == me:
                continue
            try:
                cpu = _time.clock_gettime(_time.pthread_getcpuclockid(ident))
            except OSError:  # the thread ended meanwhile
                continue
            spent, last[ident] = cpu - last.get(ident, cpu), cpu
            if spent <= 0:
                continue
            stack = []
            while frame is not None and len(stack) < depth:
                stack.append("%s:%s" % (os.path.basename(frame.f_code.co_filename), frame.f_code.co_name))
                frame = frame.f_back
            key = ";".join(reversed(stack))
            with PROFILE_LOCK:
                PROFILE[key] = PROFILE.get(key, 0.0) + spent
        for ident in [i for i in last if i not in frames]:
            del last[ident]


def _serve_profile(start_response, clear):
    with PROFILE_LOCK:
        lines = ["%s %.1f" % (stack, seconds * 1000) for stack, seconds in sorted(PROFILE.items(), key=lambda e: -e[1])]
        if clear:
            PROFILE.clear()
    payload = ("\n".join(lines) + "\n").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(payload)))])
    return [payload]


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
    if os.environ.get("DRR_MOTO_PROFILE") == "1":
        threading.Thread(target=_sample_cpu, daemon=True, name="cpu-profile").start()
    sys.stdout.write("moto_launcher: lambda host port %s, moto port %s\n" % (HOST_PORT, port))
    sys.stdout.flush()
    moto.server.main(["-H", "127.0.0.1", "-p", port])
