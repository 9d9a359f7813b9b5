package org.xso.operation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.audit.Cause;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointStore;
import org.xso.checkpoint.CheckpointViews;
import org.xso.domain.InstanceId;
import org.xso.events.OperationEvents;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.Problem;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Writes an operation's progress phase by phase, each step its own transaction, so that what is
 * in the database is always where the operation really is. The ending steps change the domain,
 * the checkpoint pins and the lease in the same transaction as the operation's end state. What a
 * step changes beyond the operation (the domain, checkpoints) is attributed to the operation and
 * its {@code requestedBy}, read from its row, whichever thread or instance runs the step.
 */
@Service
class OperationJournal {

	private static final Logger log = LoggerFactory.getLogger(OperationJournal.class);

	private final OperationRepository operations;

	private final OperationEpochRepository epochs;

	private final CheckpointStore store;

	private final ApplicationEventPublisher events;

	private final OperationViewMapper views;

	private final InstanceId instance;

	private final OperationProperties properties;

	private final Clock clock;

	OperationJournal(OperationRepository operations, OperationEpochRepository epochs, CheckpointStore store,
			ApplicationEventPublisher events, OperationViewMapper views, InstanceId instance,
			OperationProperties properties, Clock clock) {
		this.operations = operations;
		this.epochs = epochs;
		this.store = store;
		this.events = events;
		this.views = views;
		this.instance = instance;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * PENDING → RUNNING with the kind's first phase entered, in one transaction; null if the
	 * operation is no longer pending (cancelled meanwhile).
	 */
	@Transactional
	@Nullable
	OperationTicket start(UUID id) {
		Operation op = require(id);
		if (op.state() != OperationState.PENDING) {
			return null;
		}
		Instant now = clock.instant();
		op.start(instance.value(), now);
		op.enter(op.kind().phases().get(0), now);
		return OperationTicket.of(operations.save(op), properties.defaultQuiesceTimeout());
	}

	/**
	 * {@code done} completed and {@code next} entered at {@code at}: one transaction per phase
	 * boundary. Returns whether a cancel is recorded, as read in that transaction (another instance
	 * may have taken the request), so a boundary costs one read of the operation, not two.
	 */
	@Transactional
	boolean advance(UUID id, Phase done, Phase next, Instant at) {
		Operation op = require(id);
		advance(op, done, next, at);
		return op.cancelRequested();
	}

	/** As {@link #advance}, but if a cancel is recorded nothing changes and it returns false. */
	@Transactional
	boolean advanceUnlessCancelled(UUID id, Phase done, Phase next, Instant at) {
		Operation op = require(id);
		if (op.cancelRequested()) {
			return false;
		}
		advance(op, done, next, at);
		return true;
	}

	/** QUIESCE done with its per-device outcome, {@code next} entered; whether a cancel is recorded. */
	@Transactional
	boolean quiesced(UUID id, QuiesceReport report, Phase next) {
		Operation op = require(id);
		op.devices(DeviceOutcomes.of(report));
		advance(op, Phase.QUIESCE, next, clock.instant());
		return op.cancelRequested();
	}

	private void advance(Operation op, Phase done, Phase next, Instant at) {
		op.complete(done, at);
		op.enter(next, at);
		operations.save(op);
	}

	/**
	 * Phases a flow passed through without a transaction each, recorded afterwards at the instants
	 * they were entered (a resume reports its hypervisor phases so; none of them changes what
	 * recovery does).
	 */
	@Transactional
	void entered(UUID id, List<PhaseEntry> entries) {
		Operation op = require(id);
		if (!op.state().isTerminal()) {
			entries.forEach(e -> op.enter(e.phase(), e.at()));
			operations.save(op);
		}
	}

	/** A phase and when it was entered. */
	record PhaseEntry(Phase phase, Instant at) {
	}

	/**
	 * PERSIST in one transaction: the checkpoint with its checksums, the operation's reference to
	 * it, PERSIST done and {@code next} entered.
	 */
	@Transactional
	CheckpointViews.Summary persist(UUID id, SavedDomain saved, Checkpoint.Header header, @Nullable Phase next) {
		Operation op = require(id);
		CheckpointViews.Summary c = store.save(saved, header, op.requesters().requestedBy());
		op.checkpoint(c.id());
		op.complete(Phase.PERSIST, clock.instant());
		if (next != null) {
			op.enter(next, clock.instant());
		}
		operations.save(op);
		return c;
	}

	/** Stores a checkpoint of periodic checkpointing (the epoch is recorded separately). */
	@Transactional
	CheckpointViews.Summary store(SavedDomain saved, Checkpoint.Header header, String requestedBy) {
		return store.save(saved, header, requestedBy);
	}

	/** SUCCEEDED: the domain is SUSPENDED with its (pinned) checkpoint; retention applied; lease released. */
	@Transactional
	void suspended(UUID id) {
		suspended(require(id));
	}

	/** As {@link #suspended(UUID)}, for a suspend that recovery rolled forward: why, in its note. */
	@Transactional
	void suspended(UUID id, String recoveryNote) {
		Operation op = require(id);
		op.note(recoveryNote);
		suspended(op);
	}

	private void suspended(Operation op) {
		UUID checkpoint = requireCheckpoint(op);
		// the operation is written before the reactions run: retention's bulk delete clears the
		// persistence context
		succeed(op);
		events.publishEvent(new OperationEvents.GuestSuspended(op.id(), op.domid(), checkpoint, op.cause()));
		ended(op);
	}

	/** SUCCEEDED after a live checkpoint; retention applied; lease released. */
	@Transactional
	void checkpointed(UUID id) {
		checkpointed(require(id));
	}

	/** As {@link #checkpointed(UUID)}, for a checkpoint that recovery rolled forward: why, in its note. */
	@Transactional
	void checkpointed(UUID id, String recoveryNote) {
		Operation op = require(id);
		op.note(recoveryNote);
		checkpointed(op);
	}

	private void checkpointed(Operation op) {
		succeed(op);
		events.publishEvent(new OperationEvents.CheckpointTaken(op.id(), op.domid(), requireCheckpoint(op), op.cause()));
		ended(op);
	}

	/** SUCCEEDED after a resume or restore: the domain RUNNING, the checkpoint no longer pinned. */
	@Transactional
	void resumed(UUID id, @Nullable ResumeReport report, List<PhaseEntry> entries) {
		resumed(require(id), report, entries);
	}

	/** A resume that recovery found complete: why, in its note. */
	@Transactional
	void resumed(UUID id, @Nullable ResumeReport report, List<PhaseEntry> entries, String recoveryNote) {
		Operation op = require(id);
		op.note(recoveryNote);
		resumed(op, report, entries);
	}

	private void resumed(Operation op, @Nullable ResumeReport report, List<PhaseEntry> entries) {
		entries.forEach(e -> op.enter(e.phase(), e.at()));
		if (report != null) {
			op.devices(DeviceOutcomes.merge(op.devices(), report));
		}
		succeed(op);
		events.publishEvent(new OperationEvents.GuestResumed(op.id(), op.domid(), op.checkpointId(),
				op.kind() == OperationKind.RESUME, op.cause()));
		ended(op);
	}

	/** One epoch of periodic checkpointing done: its cost recorded, retention applied. */
	@Transactional
	void epoch(UUID id, OperationEpoch epoch) {
		Operation op = require(id);
		epochs.save(epoch);
		op.epoch(epoch.pausedMs());
		operations.saveAndFlush(op);
		events.publishEvent(new OperationEvents.CheckpointTaken(id, op.domid(), epoch.checkpointId(), op.cause()));
	}

	@Transactional
	void succeeded(UUID id) {
		Operation op = require(id);
		succeed(op);
		ended(op);
	}

	/**
	 * Ends the operation as {@code end} with {@code problem}, releasing the lease. The problem's
	 * detail is what the operation shows; the failure that caused it, if any, is logged here with the
	 * operation's id (its {@code error.instance}), at ERROR with its stack if it was unexpected.
	 */
	@Transactional
	void end(UUID id, OperationState end, ProblemException problem, Set<Phase> compensated) {
		Operation op = require(id);
		if (op.state().isTerminal()) {
			return;
		}
		logCause(id, end, problem);
		op.fail(end, outcome(id, problem), compensated, clock.instant());
		operations.save(op);
		ended(op);
	}

	private static void logCause(UUID id, OperationState end, ProblemException problem) {
		Throwable cause = problem.getCause();
		if (cause instanceof HypervisorException) {
			log.warn("Operation {} ends {} with {}: {}", id, end, problem.code(), SafeText.causes(cause));
		}
		else if (cause != null) {
			log.error("Operation {} ends {} with {}", id, end, problem.code(), cause);
		}
	}

	/**
	 * Ends an operation that recovery decided: {@code end} with {@code problem}, whose detail is
	 * also the operation's recovery note.
	 */
	@Transactional
	void endRecovered(UUID id, OperationState end, ProblemException problem, Set<Phase> compensated) {
		Operation op = require(id);
		if (!op.state().isTerminal()) {
			op.note(problem.getMessage());
		}
		end(id, end, problem, compensated);
	}

	/** A compensation failed too: FAILED, and the domain FAULTED with the reason. */
	@Transactional
	void faulted(UUID id, String reason, Set<Phase> compensated) {
		faulted(id, reason, null, compensated);
	}

	/**
	 * As {@link #faulted(UUID, String, Set)}, for a failure that {@code reason} words for clients:
	 * {@code cause} goes to the log only.
	 */
	@Transactional
	void faulted(UUID id, String reason, @Nullable Throwable cause, Set<Phase> compensated) {
		Operation op = require(id);
		events.publishEvent(new OperationEvents.GuestFaulted(id, op.domid(), reason, op.cause()));
		ProblemException problem = cause == null ? new ProblemException(ProblemCode.COMPENSATION_FAILED, reason)
				: new ProblemException(ProblemCode.COMPENSATION_FAILED, reason, cause);
		end(id, OperationState.FAILED, problem, compensated);
	}

	@Transactional
	void requeue(UUID id, String note) {
		Operation op = require(id);
		op.requeue(note);
		operations.save(op);
	}

	@Transactional
	void note(UUID id, String note) {
		require(id).note(note);
	}

	@Transactional(readOnly = true)
	boolean cancelRequested(UUID id) {
		return operations.cancelRequested(id);
	}

	@Transactional(readOnly = true)
	Operation read(UUID id) {
		return require(id);
	}

	/**
	 * A stale lease that recovery claimed names an operation that has ended, or is no longer recorded
	 * (pruned): the lease goes, as it does when an operation ends.
	 */
	@Transactional
	void ended(UUID id, int domid) {
		events.publishEvent(new OperationEvents.OperationEnded(id, domid));
	}

	/** Compensation of PERSIST: the checkpoint of a suspend that was rolled back goes. */
	@Transactional
	void discardCheckpoint(UUID id, Cause cause, @Nullable UUID checkpoint) {
		if (checkpoint != null) {
			events.publishEvent(new OperationEvents.CheckpointAbandoned(id, checkpoint, cause));
		}
	}

	/** Compensation of a restore whose domain never ran: the RESTORING record goes. */
	@Transactional
	void discardRestoreTarget(UUID id, int domid) {
		events.publishEvent(new OperationEvents.RestoreAbandoned(id, domid));
	}

	List<OperationEpoch> recentEpochs(UUID id, int n) {
		return epochs.newest(id, org.springframework.data.domain.Limit.of(n));
	}

	/** The outcome recorded for operation {@code id} that ends with {@code failure}: its problem, about {@code id}. */
	static Problem outcome(UUID id, ProblemException failure) {
		return failure.problem().withOperationId(id);
	}

	private void succeed(Operation op) {
		op.succeed(clock.instant());
		operations.saveAndFlush(op);
	}

	/**
	 * Last of an operation's end: waiting requests are answered with it as recorded, and the
	 * domain's lease goes (the domain module releases it).
	 */
	private void ended(Operation op) {
		events.publishEvent(new OperationFinished(views.map(op)));
		events.publishEvent(new OperationEvents.OperationEnded(op.id(), op.domid()));
	}

	private static UUID requireCheckpoint(Operation op) {
		UUID c = op.checkpointId();
		if (c == null) {
			throw new IllegalStateException("operation " + op.id() + " has no checkpoint");
		}
		return c;
	}

	private Operation require(UUID id) {
		return operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id));
	}

}
