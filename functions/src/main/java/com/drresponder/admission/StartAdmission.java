package com.drresponder.admission;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Admission at a playbook's first step, whatever started the execution. An execution the router started
 * is recognised by its incident in the ledger: same id (= execution name), same playbook, same input
 * the router admitted. Anything else is an operator's direct StartExecution and passes the router's own
 * checks: the request schema ({@link ManualRequests}), the canonical resource, tag AND allow-list, the
 * deployment's dry-run rules; then the lock on the derived key. A rejected start changes nothing.
 */
public record StartAdmission(ManualRequests requests, ProtectionPolicy protection, boolean deploymentDryRun, Ledger ledger, Clock clock,
                             Duration lockTtl) {
    /**
     * Admits the execution {@code executionName} of {@code playbook} with input {@code request} and returns
     * its incident (opened, lock held).
     *
     * @throws InvalidRequestException  the request is malformed, or its incident id is not its own
     * @throws NotAdmittedException     the resource is not protected, or the dry-run rules forbid acting
     * @throws ResourceBusyException    another incident holds the resource
     */
    public Incident admit(String playbook, String executionName, JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new InvalidRequestException("request", "must be a JSON object");
        }
        String incidentId = Json.text(request, "incidentId");
        if (incidentId == null || !incidentId.equals(executionName)) {
            throw new InvalidRequestException("incidentId", "must equal the execution name (" + executionName
                    + "), so that an incident belongs to exactly one execution; got " + (incidentId == null ? "nothing" : "\"" + incidentId + "\""));
        }
        Optional<Incident> existing = ledger.incident(incidentId);
        if (existing.isPresent()) {
            return routed(existing.get(), playbook, request);
        }
        ManualRequests.Admitted admitted = requests.admit(playbook, request, ManualRequests.Channel.START);
        String lockKey = admitted.resource().lockKey();
        String given = Json.text(request, "lockKey");
        if (given != null && !given.equals(lockKey)) {
            throw new InvalidRequestException("lockKey", "is derived from the request; leave it out (it would be " + lockKey + "), got \"" + given + "\"");
        }
        ProtectionPolicy.Verdict verdict = protection.check(admitted.resource());
        if (verdict.notProtectedBecause().isPresent()) {
            throw new NotAdmittedException("not protected: " + verdict.notProtectedBecause().get());
        }
        if ((deploymentDryRun || verdict.dryRunTagged()) && !admitted.dryRun()) {
            throw new NotAdmittedException("dryRun must be true: " + (deploymentDryRun ? "the deployment is in dry-run mode (DR_MODE)"
                    : admitted.resource().displayName() + " is tagged dr:dry-run=true"));
        }
        Instant now = clock.instant();
        lock(lockKey, incidentId, now);
        Incident incident = new Incident(incidentId, playbook, lockKey, "manual:step-functions", admitted.severity(),
                IncidentStatus.INVESTIGATING, null, admitted.summary(), Json.write(request), now, now);
        if (ledger.openIncident(incident)) {
            ledger.append(incidentId, TimelineEntry.of(now, playbook, "Incident opened", "opened", admitted.summary()));
        }
        return incident;
    }

    /** The router admitted this incident; the execution must be the one it started, with the input it admitted. */
    private Incident routed(Incident incident, String playbook, JsonNode request) {
        if (!playbook.equals(incident.playbook()) || !sameInput(incident.input(), request)) {
            throw new InvalidRequestException("incidentId", incident.id() + " belongs to another request; start a new incident instead");
        }
        if (!incident.status().isOpen()) {
            throw new NotAdmittedException("incident " + incident.id() + " is " + incident.status() + "; nothing is started for it");
        }
        lock(incident.resource(), incident.id(), clock.instant());
        return incident;
    }

    /**
     * Same JSON, ignoring field order and number spelling (8 and 8.0): Step Functions may re-serialise the input.
     * The ledger stores the input redacted ({@link SecretRedactor}), so the request is compared redacted too.
     */
    public static boolean sameInput(String stored, JsonNode request) {
        if (stored == null) {
            return false;
        }
        JsonNode admitted;
        JsonNode started;
        try {
            admitted = Json.MAPPER.readTree(stored);
            started = Json.MAPPER.readTree(SecretRedactor.redact(request.toString()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
        return admitted.equals((a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1,
                started);
    }

    private void lock(String lockKey, String incidentId, Instant now) {
        Ledger.LockResult lock = ledger.acquireLock(lockKey, incidentId, now, now.plus(lockTtl));
        if (!lock.acquired()) {
            throw new ResourceBusyException(lockKey + " is held by incident " + lock.holder() + "; not starting a second playbook on it");
        }
    }

    /** The request may be well formed, but the responder must not act on it. */
    public static final class NotAdmittedException extends RuntimeException {
        public NotAdmittedException(String message) {
            super(message);
        }
    }

    /** Another incident holds the resource: the playbook must not act. */
    public static final class ResourceBusyException extends RuntimeException {
        public ResourceBusyException(String message) {
            super(message);
        }
    }
}
