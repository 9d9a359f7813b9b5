package org.xso.operation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.xso.audit.Cause;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointStore;
import org.xso.checkpoint.CheckpointViews;
import org.xso.host.InstanceId;
import org.xso.events.OperationEvents;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Phase;
import org.xso.problem.Problem;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Records an operation's progress. A worker holds the operation in memory ({@link OperationRun}) and
 * moves it on there, shown to this instance's requests through {@link LiveOperations}; its row is
 * written only where recovery needs it, each time in one transaction and one statement for the
 * row ({@link OperationRows}):
 * <ul>
 * <li>when it is accepted (PENDING; {@code OperationSubmitter});
 * <li>a suspend or live checkpoint when its checkpoint is stored (PERSIST: the checkpoint and the
 * row RUNNING with its reference to it, unless a cancel was recorded first); a resume or restore
 * just before the hypervisor rebuilds the guest (RESTORE entered, unless a cancel was recorded);
 * periodic checkpointing when it starts and after each epoch; a move also at its hand-over (the
 * domain, its lease and the operation pass to the target host's instance in one transaction);
 * <li>at its end, with what the end changes in other modules (the domain, checkpoint pins,
 * retention, the lease), which react to its events in the same transaction.
 * </ul>
 * A row that still says PENDING after a crash therefore means: nothing durable happened, run it
 * again (after thawing a guest it may have paused); RUNNING means: decide from the checkpoint and
 * the guest (see {@link RunningRecovery}). Each durable step changes a copy of the operation and
 * the run adopts it after the commit, so a step that rolls back leaves the run as it was. What a
 * step changes beyond the operation is attributed to the operation and its {@code requestedBy},
 * whichever thread or instance runs it.
 */
@Service
class OperationJournal {

	private static final Logger log = LoggerFactory.getLogger(OperationJournal.class);

	/** The states an operation's row is in until it ends. */
	private static final Set<OperationState> OPEN = EnumSet.of(OperationState.PENDING, OperationState.RUNNING);

	private static final Set<OperationState> ACCEPTED = EnumSet.of(OperationState.PENDING);

	private static final Set<OperationState> RUNNING = EnumSet.of(OperationState.RUNNING);

	private final OperationRepository operations;

	private final OperationRows rows;

	private final CheckpointStore store;

	private final ApplicationEventPublisher events;

	private final OperationViewMapper views;

	private final LiveOperations live;

	private final EntityManager entities;

	private final InstanceId instance;

	private final OperationProperties properties;

	private final Clock clock;

	private final HostChannels channels;

	private final ServiceStopping stopping;

	OperationJournal(OperationRepository operations, OperationRows rows,
			CheckpointStore store, ApplicationEventPublisher events, OperationViewMapper views, LiveOperations live,
			EntityManager entities, InstanceId instance, OperationProperties properties, Clock clock,
			HostChannels channels, ServiceStopping stopping) {
		this.stopping = stopping;
		this.channels = channels;
		this.operations = operations;
		this.rows = rows;
		this.store = store;
		this.events = events;
		this.views = views;
		this.live = live;
		this.entities = entities;
		this.instance = instance;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Operation {@code id} as its row has it, to run or to end (recovery); empty if it has ended or
	 * is not recorded.
	 */
	@Transactional(readOnly = true)
	Optional<OperationRun> load(UUID id) {
		return operations.findById(id).filter(op -> !op.state().isTerminal()).map(op -> {
			entities.detach(op); // written by OperationRows only: JPA must not flush it too
			return new OperationRun(op, OperationTicket.of(op, properties.defaultQuiesceTimeout()), false);
		});
	}

	/** A run of {@code op} as this instance accepted it (never written since). */
	OperationRun run(Operation op) {
		return new OperationRun(op, OperationTicket.of(op, properties.defaultQuiesceTimeout()), true);
	}

	// in memory: shown here, not written

	/** The run starts on this instance: RUNNING in its first phase. */
	void begin(OperationRun run) {
		startHere(run.op());
		show(run, run.op());
	}

	/** {@code op} RUNNING on this instance, in its first phase. */
	private void startHere(Operation op) {
		Instant now = clock.instant();
		op.start(instance.value(), now);
		op.enter(op.kind().phases().get(0), now);
	}

	/** {@code done} completed and {@code next} entered. */
	void advance(OperationRun run, Phase done, Phase next) {
		Instant now = clock.instant();
		run.op().complete(done, now);
		run.op().enter(next, now);
		show(run, run.op());
	}

	/** QUIESCE done with its per-device outcome, {@code next} entered. */
	void quiesced(OperationRun run, QuiesceReport report, Phase next) {
		run.op().devices(DeviceOutcomes.of(report));
		advance(run, Phase.QUIESCE, next);
	}

	/** Phases the hypervisor reported while it ran, at the instants they were entered. */
	void entered(OperationRun run, List<PhaseEntry> entries) {
		if (!run.op().state().isTerminal()) {
			entries.forEach(e -> run.op().enter(e.phase(), e.at()));
			show(run, run.op());
		}
	}

	/** A phase and when it was entered. */
	record PhaseEntry(Phase phase, Instant at) {
	}

	/** A cancel asked for on this instance, recorded with the run (it ends as the flow decides). */
	void cancelRequested(OperationRun run, String by) {
		run.op().cancelRequested(by);
	}

	// durable: one transaction each

	/**
	 * Periodic checkpointing starts: its row RUNNING in EPOCHS, unless a cancel was recorded first
	 * (false: nothing written).
	 */
	@Transactional
	boolean beginDurably(OperationRun run) {
		Operation op = run.op().copy();
		startHere(op);
		return claim(run, op);
	}

	/**
	 * PERSIST: the checkpoint with its checksums and the row RUNNING with its reference to it, PERSIST
	 * done and {@code next} entered, in one transaction, unless a cancel was recorded first (then
	 * nothing is written, the checkpoint included: empty).
	 */
	@Transactional
	Optional<UUID> persist(OperationRun run, SavedDomain saved, Checkpoint.Header header, Phase next) {
		Operation op = run.op().copy();
		CheckpointViews.Summary c = store.save(saved, header, op.requesters().requestedBy());
		op.checkpoint(c.id());
		op.complete(Phase.PERSIST, clock.instant());
		op.enter(next, clock.instant());
		return claim(run, op) ? Optional.of(c.id()) : Optional.empty();
	}

	/**
	 * A resume's point of no return: VERIFY_CHECKPOINT done and RESTORE entered in its row (with
	 * the attempt), unless a cancel was recorded first (false: nothing written).
	 */
	@Transactional
	boolean restoring(OperationRun run) {
		Operation op = run.op().copy();
		op.complete(Phase.VERIFY_CHECKPOINT, clock.instant());
		op.enter(Phase.RESTORE, clock.instant());
		if (op.kind() != OperationKind.MOVE) {
			return claim(run, op);
		}
		// a move's row has been RUNNING since its source's phases: a cancel refuses this write, and so
		// does a row another worker took since this one read it (only one restores the guest)
		OperationRows.Fence fence = java.util.Objects.requireNonNull(run.took(), "a move restores once it took its row");
		if (!rows.write(op, RUNNING, true, fence)) {
			TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
			Operation now = operations.findById(op.id()).orElse(null);
			if (now == null || now.state().isTerminal() || !fence.owner().equals(now.owner())
					|| fence.attempts() != now.attempts()) {
				throw new TakenElsewhere("operation " + op.id() + " was taken or ended elsewhere since this worker read"
						+ " it (now " + (now == null ? "gone" : now.state() + ", attempt " + now.attempts() + " of "
								+ now.owner()) + "): its guest is not restored here");
			}
			return false;
		}
		written(run, op);
		return true;
	}

	/**
	 * A worker found that the operation it runs is no longer its own to run (another worker took its
	 * row, or it ended): it stops without recording anything.
	 */
	static final class TakenElsewhere extends RuntimeException {

		private static final long serialVersionUID = 1L;

		TakenElsewhere(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * A handed-over move starts on this instance, in VERIFY_CHECKPOINT (in memory, as {@link #begin}):
	 * its first write ({@link #restoring}) goes through only if the row is still as this run took it.
	 */
	void resumingHere(OperationRun run) {
		run.took(new OperationRows.Fence(instance.value(), run.op().attempts()));
		run.op().resumeHere(instance.value(), clock.instant());
		show(run, run.op());
	}

	/**
	 * A move's hand-over, in one transaction: the domain SUSPENDED on its (pinned) checkpoint and
	 * moved to the target host, its lease and the operation assigned to {@code targetInstance}
	 * (the target host's), which is notified at the commit and runs the phases after HANDOVER.
	 */
	@Transactional
	void handedOver(OperationRun run, String targetInstance, @Nullable String recoveryNote) {
		Operation op = next(run, recoveryNote);
		UUID checkpoint = requireCheckpoint(op);
		String target = java.util.Objects.requireNonNull(op.params().targetHost());
		op.handOver(targetInstance, clock.instant());
		write(run, op);
		events.publishEvent(new OperationEvents.GuestHandedOver(op.id(), op.domid(), checkpoint, target, targetInstance,
				op.cause()));
		channels.assigned(target);
	}

	/**
	 * A move whose target host has no instance to take the guest when its source's phases are done:
	 * RESUME_FAILED in HANDOVER with {@code problem}; the domain stays SUSPENDED on its source host
	 * with its (pinned) checkpoint, to be resumed there or on another host.
	 */
	@Transactional
	void notHandedOver(OperationRun run, ProblemException problem, @Nullable String recoveryNote) {
		stopping.refuseWhileStopping("operation " + run.op().id() + "'s hand-over");
		Operation op = next(run, recoveryNote);
		UUID checkpoint = requireCheckpoint(op);
		op.enter(Phase.HANDOVER, clock.instant());
		events.publishEvent(new OperationEvents.GuestSuspended(op.id(), op.domid(), checkpoint, op.cause()));
		logCause(op.id(), OperationState.RESUME_FAILED, problem);
		op.fail(OperationState.RESUME_FAILED, outcome(op.id(), problem), Set.of(), clock.instant());
		write(run, op);
		ended(run, op);
	}

	/**
	 * The first write of a run that started here: from PENDING, and only if no cancel is recorded; a
	 * refused write rolls back what the transaction did with it.
	 */
	private boolean claim(OperationRun run, Operation op) {
		if (!rows.write(op, ACCEPTED, true)) {
			TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
			return false;
		}
		written(run, op);
		return true;
	}

	/** SUCCEEDED: the domain is SUSPENDED with its (pinned) checkpoint; retention applied; lease released. */
	@Transactional
	void suspended(OperationRun run, @Nullable String recoveryNote) {
		Operation op = next(run, recoveryNote);
		UUID checkpoint = requireCheckpoint(op);
		succeed(run, op);
		events.publishEvent(new OperationEvents.GuestSuspended(op.id(), op.domid(), checkpoint, op.cause()));
		ended(run, op);
	}

	/** SUCCEEDED after a live checkpoint; retention applied; lease released. */
	@Transactional
	void checkpointed(OperationRun run, @Nullable String recoveryNote) {
		Operation op = next(run, recoveryNote);
		succeed(run, op);
		events.publishEvent(new OperationEvents.CheckpointTaken(op.id(), op.domid(), requireCheckpoint(op), op.cause()));
		ended(run, op);
	}

	/**
	 * SUCCEEDED after a resume, restore or move: the domain RUNNING (PAUSED if {@code paused}: the
	 * guest was left paused as asked), the checkpoint no longer pinned.
	 */
	@Transactional
	void resumed(OperationRun run, @Nullable ResumeReport report, List<PhaseEntry> entries,
			@Nullable String recoveryNote, boolean paused) {
		Operation op = next(run, recoveryNote);
		entries.forEach(e -> op.enter(e.phase(), e.at()));
		if (report != null) {
			op.devices(DeviceOutcomes.merge(op.devices(), report));
		}
		succeed(run, op);
		events.publishEvent(new OperationEvents.GuestResumed(op.id(), op.domid(), op.checkpointId(),
				op.kind() != OperationKind.RESTORE, paused, op.params().overrides(), op.cause()));
		ended(run, op);
	}

	/**
	 * One captured epoch of periodic checkpointing to persist: epoch {@code n} of {@code run}, an
	 * incremental capture on top of {@code parent} (the previous epoch's checkpoint) or a full one.
	 */
	record CapturedEpoch(OperationRun run, int n, Instant startedAt, boolean startedLate, Capture capture,
			Checkpoint.@Nullable Link parent, Checkpoint.Header header, OperationEpoch.Captured captured) {
	}

	/**
	 * Epochs of periodic checkpointing persisted after their guests were thawed, the epochs of
	 * several guests together (the {@link EpochWriter}'s batch; at most one epoch of an operation):
	 * their checkpoints, retention applied, their records with their cost (the persist lag runs from
	 * the thaw, through the wait for the writer and the hypervisor's write of the capture, to this
	 * write of the batch's checkpoints, the commit excluded) and their operations' totals. Each kind
	 * of row is written in one batch for all of them ({@link CheckpointStore#saveAll},
	 * {@link OperationRows}), in one transaction. Returns the stored checkpoints, in order, as the
	 * next epochs build on them.
	 */
	@Transactional
	List<Checkpoint.Link> epochs(List<CapturedEpoch> batch) {
		long t0 = System.nanoTime();
		List<CheckpointViews.Summary> stored = store.saveAll(batch.stream()
			.map(e -> new CheckpointStore.Draft(e.capture().saved(), e.capture().incremental() ? e.parent() : null,
					e.header(), e.run().op().requesters().requestedBy()))
			.toList());
		for (int i = 0; i < batch.size(); i++) {
			Operation op = batch.get(i).run().op();
			events.publishEvent(new OperationEvents.CheckpointTaken(op.id(), op.domid(), stored.get(i).id(), op.cause()));
		}
		// written (retention applied) before it is timed: only the epochs' own rows and the commit follow
		entities.flush();
		long checkpointNanos = System.nanoTime() - t0;
		List<Operation> ops = new ArrayList<>(batch.size());
		List<OperationEpoch> records = new ArrayList<>(batch.size());
		for (int i = 0; i < batch.size(); i++) {
			CapturedEpoch e = batch.get(i);
			CheckpointViews.Summary c = stored.get(i);
			OperationEpoch epoch = new OperationEpoch(e.run().op().id(), e.n(), c.id(), e.startedAt(),
					e.captured().persisted(checkpointNanos), c.sizeBytes(), e.capture().incremental(),
					e.capture().contentBytes());
			Operation op = e.run().op().copy();
			op.epoch(epoch.pausedMs(), e.startedLate());
			ops.add(op);
			records.add(epoch);
		}
		rows.insertEpochs(records);
		List<UUID> missed = rows.writeAll(ops, OPEN);
		if (!missed.isEmpty()) {
			throw new IllegalStateException("operations " + missed + " were ended elsewhere (their lease was lost)");
		}
		for (int i = 0; i < batch.size(); i++) {
			OperationRun run = batch.get(i).run();
			OperationViews.EpochView view = records.get(i).view();
			written(run, ops.get(i), () -> run.recorded(view));
		}
		return stored.stream().map(CheckpointViews.Summary::link).toList();
	}

	@Transactional
	void succeeded(OperationRun run) {
		Operation op = run.op().copy();
		succeed(run, op);
		ended(run, op);
	}

	/**
	 * Ends the operation as {@code end} with {@code problem}, releasing the lease. The problem's
	 * detail is what the operation shows; the failure that caused it, if any, is logged here with the
	 * operation's id (its {@code error.instance}), at ERROR with its stack if it was unexpected.
	 */
	@Transactional
	void end(OperationRun run, OperationState end, ProblemException problem, Set<Phase> compensated) {
		endNoted(run, end, problem, compensated, null);
	}

	/**
	 * Ends an operation that recovery decided: {@code end} with {@code problem}, whose detail is
	 * also the operation's recovery note.
	 */
	@Transactional
	void endRecovered(OperationRun run, OperationState end, ProblemException problem, Set<Phase> compensated) {
		endNoted(run, end, problem, compensated, problem.getMessage());
	}

	private void endNoted(OperationRun run, OperationState end, ProblemException problem, Set<Phase> compensated,
			@Nullable String note) {
		if (run.op().state().isTerminal()) {
			return;
		}
		stopping.refuseWhileStopping("operation " + run.op().id() + "'s end (" + end + ")");
		Operation op = next(run, note);
		logCause(op.id(), end, problem);
		if (op.state() == OperationState.PENDING) {
			op.start(instance.value(), clock.instant()); // ended before it began: no phase had run
		}
		op.fail(end, outcome(op.id(), problem), compensated, clock.instant());
		write(run, op);
		ended(run, op);
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

	/** A compensation failed too: FAILED, and the domain FAULTED with the reason. */
	@Transactional
	void faulted(OperationRun run, String reason, Set<Phase> compensated) {
		faulted(run, reason, null, compensated);
	}

	/**
	 * As {@link #faulted(OperationRun, String, Set)}, for a failure that {@code reason} words for
	 * clients: {@code cause} goes to the log only.
	 */
	@Transactional
	void faulted(OperationRun run, String reason, @Nullable Throwable cause, Set<Phase> compensated) {
		faultedNoted(run, reason, cause, compensated, null);
	}

	/** As {@link #faulted(OperationRun, String, Throwable, Set)}, decided by recovery: the reason is its note. */
	@Transactional
	void faultedRecovered(OperationRun run, String reason, Throwable cause, Set<Phase> compensated) {
		faultedNoted(run, reason, cause, compensated, reason);
	}

	private void faultedNoted(OperationRun run, String reason, @Nullable Throwable cause, Set<Phase> compensated,
			@Nullable String note) {
		Operation op = run.op();
		stopping.refuseWhileStopping("operation " + op.id() + "'s fault");
		events.publishEvent(new OperationEvents.GuestFaulted(op.id(), op.domid(), reason, op.cause()));
		ProblemException problem = cause == null ? new ProblemException(ProblemCode.COMPENSATION_FAILED, reason)
				: new ProblemException(ProblemCode.COMPENSATION_FAILED, reason, cause);
		endNoted(run, OperationState.FAILED, problem, compensated, note);
	}

	/** RUNNING → PENDING: recovery runs it again from its first phase. */
	@Transactional
	void requeue(UUID id, String note) {
		Operation op = require(id);
		op.requeue(note);
		operations.save(op);
	}

	/** A handed-over move whose target's instance stopped: recovery runs its phases after HANDOVER again. */
	@Transactional
	void requeueResume(OperationRun run, String note) {
		Operation op = next(run, null);
		op.requeueResume(note, instance.value());
		// written, not shown: the worker that runs it again shows it (as after requeue)
		if (!rows.write(op, OPEN, false)) {
			throw new IllegalStateException("operation " + op.id() + " was ended elsewhere");
		}
		op.takeEvents().forEach(events::publishEvent);
	}

	@Transactional
	void note(UUID id, String note) {
		require(id).note(note);
	}

	@Transactional(readOnly = true)
	boolean cancelRequested(UUID id) {
		return operations.cancelRequested(id);
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
		stopping.refuseWhileStopping("the compensation of operation " + id);
		if (checkpoint != null) {
			events.publishEvent(new OperationEvents.CheckpointAbandoned(id, checkpoint, cause));
		}
	}

	/** Compensation of a restore whose domain never ran: the RESTORING record goes. */
	@Transactional
	void discardRestoreTarget(UUID id, int domid) {
		stopping.refuseWhileStopping("the compensation of operation " + id);
		events.publishEvent(new OperationEvents.RestoreAbandoned(id, domid));
	}

	/** The outcome recorded for operation {@code id} that ends with {@code failure}: its problem, about {@code id}. */
	static Problem outcome(UUID id, ProblemException failure) {
		return failure.problem().withOperationId(id);
	}

	/** A copy of the run's operation to change, with recovery's note if there is one. */
	private static Operation next(OperationRun run, @Nullable String recoveryNote) {
		Operation op = run.op().copy();
		if (recoveryNote != null) {
			op.note(recoveryNote);
		}
		return op;
	}

	private void succeed(OperationRun run, Operation op) {
		op.succeed(clock.instant());
		write(run, op);
	}

	/**
	 * Writes {@code op} over its open row; the run adopts it once that commits. If the row has ended
	 * meanwhile (another instance's recovery took the operation over after this one lost its lease),
	 * nothing of this transaction stays.
	 */
	private void write(OperationRun run, Operation op) {
		if (!rows.write(op, OPEN, false)) {
			throw new IllegalStateException("operation " + op.id() + " was ended elsewhere (its lease was lost)");
		}
		written(run, op);
	}

	/** Publishes what {@code op} registered (with the transaction) and adopts it after the commit. */
	private void written(OperationRun run, Operation op) {
		written(run, op, () -> {
		});
	}

	/** {@link #written(OperationRun, Operation)}, and {@code committed} runs first after the commit. */
	private void written(OperationRun run, Operation op, Runnable committed) {
		op.takeEvents().forEach(events::publishEvent);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				committed.run();
				run.adopt(op);
				if (!op.state().isTerminal()) {
					show(run, op);
				}
			}

		});
	}

	/** What this instance's requests see of a run: its view, and its events for the stream and the log. */
	private void show(OperationRun run, Operation op) {
		op.takeEvents().forEach(events::publishEvent);
		live.show(views.map(op, recentEpochs(run, op)));
	}

	/**
	 * The newest epochs of a periodic checkpoint as the run holds them, read once from its rows for a
	 * run this instance continued (null for any other operation).
	 */
	private @Nullable List<OperationViews.EpochView> recentEpochs(OperationRun run, Operation op) {
		if (op.kind() != OperationKind.PERIODIC_CHECKPOINT) {
			return null;
		}
		List<OperationViews.EpochView> recent = run.recentEpochs();
		if (recent == null) {
			recent = views.recentEpochs(op.id());
			run.recentEpochs(recent);
		}
		return recent;
	}

	/**
	 * Last of an operation's end: waiting requests are answered with it as recorded (here, and on
	 * the instance that accepted it if that is another), this instance stops showing it from memory,
	 * and the domain's lease goes (the domain module releases it).
	 */
	private void ended(OperationRun run, Operation op) {
		if (!run.acceptedHere()) {
			channels.ended(op.id()); // a request on the instance that accepted it may be waiting
		}
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
