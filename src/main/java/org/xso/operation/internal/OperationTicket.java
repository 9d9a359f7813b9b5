package org.xso.operation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.audit.Cause;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.xen.DomId;

/**
 * What a worker needs to run an operation, read once when it starts; with the principal that
 * requested it, so what the worker changes is attributed to it (never to whatever thread runs it).
 */
record OperationTicket(UUID id, OperationKind kind, int domid, int subjectDomid, @Nullable SuspendStrategy strategy,
		Duration quiesceTimeout, Duration deadline, Instant deadlineAt, @Nullable UUID checkpointId,
		@Nullable Long intervalMs, @Nullable Integer maxEpochs, int epochsCompleted, boolean outputCommit,
		@Nullable String targetHost, boolean paused, List<BackendOverride> overrides, String requestedBy) {

	static OperationTicket of(Operation op, Duration defaultQuiesce) {
		OperationParams p = op.params();
		return new OperationTicket(op.id(), op.kind(), op.domid(), p.subjectDomid(), p.strategy(),
				p.quiesceTimeoutMs() == null ? defaultQuiesce : Duration.ofMillis(p.quiesceTimeoutMs()),
				Duration.ofMillis(p.deadlineMs()), op.deadlineAt(), op.checkpointId(), p.intervalMs(), p.maxEpochs(),
				op.epochs().completed(), p.outputCommit(), p.targetHost(), p.paused(), p.overrides(),
				op.requesters().requestedBy());
	}

	/** What the operation changes is attributed to: its requester, and itself. */
	Cause cause() {
		return Cause.operation(requestedBy, id);
	}

	DomId dom() {
		return DomId.guest(domid);
	}

	SuspendStrategy requiredStrategy() {
		if (strategy == null) {
			throw new IllegalStateException(kind + " operation " + id + " has no strategy");
		}
		return strategy;
	}

}
