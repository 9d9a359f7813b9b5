package org.xso.operation.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.xso.domain.DomainLeases;
import org.xso.domain.DomainReconciler;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.HypervisorException;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.problem.LeaseRef;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Finishes what a stopped instance left running. At startup and then periodically it takes over
 * expired leases, and at startup also the leases a previous run of this same instance left. For
 * each operation, in this order: a running one is decided from what it had durably recorded and
 * what the hypervisor shows (rolled forward, rolled back, or requeued: see {@link RunningRecovery});
 * then its domain's guest is brought back to the domain's recorded state (a guest that died with
 * its host is started again from its disks); only then does a pending or requeued operation run,
 * so it never meets a guest that is still missing.
 */
@Component
class OperationRecovery {

	private static final Logger log = LoggerFactory.getLogger(OperationRecovery.class);

	/** Leases claimed per transaction; a sweep goes on while batches come back full. */
	static final int SWEEP_BATCH = 64;

	private final DomainLeases leases;

	private final OperationRepository operations;

	private final OperationExecutor executor;

	private final RunningRecovery running;

	private final OperationJournal journal;

	private final DomainReconciler reconciler;

	private final AtomicBoolean started = new AtomicBoolean();

	private final HostRegistry hosts;

	OperationRecovery(DomainLeases leases, OperationRepository operations, OperationExecutor executor,
			RunningRecovery running, OperationJournal journal, DomainReconciler reconciler, HostRegistry hosts) {
		this.hosts = hosts;
		this.journal = journal;
		this.leases = leases;
		this.operations = operations;
		this.executor = executor;
		this.running = running;
		this.reconciler = reconciler;
	}

	/** An operation recovery requeued (or found pending): it runs once its guest is back. */
	record ToRun(UUID id, OperationKind kind) {
	}

	/**
	 * At startup: decides every operation a stopped instance left and brings its guest back, but runs
	 * none of them yet (so that storage no stored checkpoint references can be collected while no
	 * save is in progress); {@link #runAtStartup} runs them.
	 */
	List<ToRun> decideAtStartup() {
		List<ToRun> toRun = new ArrayList<>();
		sweep(true, toRun::add);
		orphans(toRun::add);
		return toRun;
	}

	/** Runs what {@link #decideAtStartup} requeued, then lets the periodic sweep begin. */
	void runAtStartup(List<ToRun> toRun) {
		toRun.forEach(r -> executor.dispatch(r.id(), r.kind()));
		started.set(true);
	}

	/**
	 * Whether startup's recovery has decided what a stopped instance left: until then no operation
	 * of this host may run (its guest may not be back yet).
	 */
	boolean started() {
		return started.get();
	}

	@Scheduled(fixedDelayString = "${xso.operations.recovery-interval:PT5S}",
			initialDelayString = "${xso.operations.recovery-interval:PT5S}")
	void sweep() {
		if (started.get()) {
			try {
				sweep(false, r -> executor.dispatch(r.id(), r.kind()));
			}
			catch (RuntimeException e) {
				log.warn("Recovery sweep failed: {}", SafeText.escape(e.getMessage()));
			}
		}
	}

	private void sweep(boolean startup, Consumer<ToRun> run) {
		List<LeaseRef> claimed;
		do {
			claimed = leases.claimStale(startup, this::runningHere, SWEEP_BATCH);
			for (LeaseRef lease : claimed) {
				UUID op = lease.operationId();
				if (op == null) {
					log.info("Released the stale lease of domain {} ({})", lease.domid(), lease.purpose());
					leases.release(lease.domid());
				}
				else {
					recover(op, lease.domid(), run);
				}
			}
		}
		while (claimed.size() == SWEEP_BATCH);
	}

	private boolean runningHere(LeaseRef lease) {
		return lease.operationId() != null && executor.tracks(lease.operationId());
	}

	/**
	 * Operations of this instance's host left unfinished without a lease of their own (never
	 * expected; recovered anyway). Another host's are its instance's to recover: deciding them needs
	 * its hypervisor.
	 */
	private void orphans(Consumer<ToRun> run) {
		List<Operation> open = operations.findByStateIn(EnumSet.of(OperationState.PENDING, OperationState.RUNNING));
		for (Operation op : open) {
			if (!hosts.servesHere(op.host())) {
				continue;
			}
			Optional<LeaseRef> lease = leases.find(op.domid());
			if (lease.isEmpty()) {
				try {
					leases.acquire(op.domid(), op.id(), "recovery");
					recover(op.id(), op.domid(), run);
				}
				catch (ProblemException e) {
					log.warn("Could not recover operation {}: {}", op.id(), SafeText.escape(e.getMessage()));
				}
			}
			else if (!op.id().equals(lease.get().operationId()) && !executor.tracks(op.id())) {
				log.warn("Operation {} is {} but domain {} is leased to {}", op.id(), op.state(), op.domid(),
						lease.get().operationId());
			}
		}
	}

	private void recover(UUID id, int domid, Consumer<ToRun> run) {
		Optional<Operation> found = operations.findById(id);
		if (found.isEmpty() || found.get().state().isTerminal()) {
			journal.ended(id, domid);
			return;
		}
		Operation op = found.get();
		log.info("Recovering {} operation {} of domain {} ({}, phase {})", op.kind(), id, domid, op.state(),
				op.currentPhase());
		try {
			boolean again = op.state() == OperationState.PENDING ? running.pending(op) : running.recover(op);
			reconciler.reconcileUnderRecovery(domid);
			if (again) {
				run.accept(new ToRun(id, op.kind()));
			}
		}
		catch (HypervisorException e) {
			log.warn("Recovery of operation {} deferred: the hypervisor failed ({})", id,
					SafeText.escape(e.getMessage()));
		}
	}

	static ProblemException interrupted(String detail) {
		return new ProblemException(ProblemCode.OPERATION_INTERRUPTED, detail);
	}

}
