package org.xso.operation.internal;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.host.HostRegistry;
import org.xso.host.HostState;
import org.xso.host.HostView;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * The middle of a move: once its source host has suspended the guest and stored its checkpoint,
 * the suspended domain, its lease and the operation pass to the instance serving the target host
 * (see {@link OperationJournal#handedOver}), which claims it ({@link HostQueue}) and runs the phases
 * after HANDOVER. A target host that is not UP by then has no one to take the guest: the move ends
 * RESUME_FAILED in HANDOVER, the guest suspended on its source host with its checkpoint. Runs on
 * the thread of the source's flow, or of its recovery.
 */
@Component
class MoveHandover {

	private final HostRegistry hosts;

	private final OperationJournal journal;

	MoveHandover(HostRegistry hosts, OperationJournal journal) {
		this.hosts = hosts;
		this.journal = journal;
	}

	void handOver(OperationRun run, @Nullable String recoveryNote) {
		Operation op = run.op();
		String target = java.util.Objects.requireNonNull(op.params().targetHost());
		Optional<HostView> host = hosts.find(target);
		if (host.isPresent() && host.get().state() == HostState.UP) {
			journal.handedOver(run, host.get().instanceId(), recoveryNote);
			return;
		}
		String why = host.map(h -> "is " + h.state() + " (its instance " + h.instanceId() + ", last heartbeat "
				+ h.lastHeartbeatAt() + ")").orElse("is not registered");
		journal.notHandedOver(run, new ProblemException(ProblemCode.HOST_UNAVAILABLE, "host " + target
				+ ", the target of the move, " + why + " when the guest was suspended: domain " + op.domid()
				+ " stays suspended on host " + op.host() + " with checkpoint " + op.checkpointId()
				+ "; resume it there or on another host").withCheckpointId(op.checkpointId()), recoveryNote);
	}

}
