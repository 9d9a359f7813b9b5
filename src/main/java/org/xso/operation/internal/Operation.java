package org.xso.operation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.descriptor.java.Immutability;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.AbstractAggregateRoot;
import org.springframework.data.domain.Persistable;
import org.xso.audit.Cause;
import org.xso.operation.OperationChanged;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.problem.Problem;

/**
 * The operation aggregate: a persisted state machine. State changes only through the guarded
 * transitions below, each of which publishes an {@link OperationChanged} when saved. Updates write
 * only changed columns, so the cancel flag (set by a conditional update) is never overwritten.
 * Every event names the principal that requested the operation (see {@link Requesters}).
 */
@Entity
@Table(name = "operations")
@DynamicUpdate
class Operation extends AbstractAggregateRoot<Operation> implements Persistable<UUID> {

	@Id
	private UUID id;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 24)
	private OperationKind kind;

	@Column(nullable = false)
	private int domid;

	@Embedded
	private OperationParams params;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 16)
	private OperationState state;

	@Enumerated(EnumType.STRING)
	@Column(name = "current_phase", length = 24)
	private @Nullable Phase currentPhase;

	@Column(name = "deadline_at", nullable = false)
	private Instant deadlineAt;

	@Column(name = "checkpoint_id")
	private @Nullable UUID checkpointId;

	@Embedded
	private EpochStats epochs = EpochStats.NONE;

	@Column(name = "cancel_requested", nullable = false)
	private boolean cancelRequested;

	@Embedded
	private Requesters requesters;

	@Column(length = 128)
	private @Nullable String owner;

	/** The host whose instance runs it (null only in rows older than hosts, until one is claimed). */
	@Column(name = "host_name", length = 63, updatable = false)
	private @Nullable String hostName;

	@Column(nullable = false)
	private int attempts;

	static final int NOTE_LENGTH = 1024;

	@Column(name = "recovery_note", length = NOTE_LENGTH)
	private @Nullable String recoveryNote;

	/** Why the operation did not succeed: its outcome, as the domain states it. */
	@Column(name = "error_problem", length = 16384)
	@Convert(converter = ProblemColumn.class)
	private @Nullable Problem error;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "started_at")
	private @Nullable Instant startedAt;

	@Column(name = "finished_at")
	private @Nullable Instant finishedAt;

	@Version
	private @Nullable Long version;

	/**
	 * Its phases, in order: a value, replaced and never mutated (see {@link ProgressColumns}), so
	 * Hibernate compares it by equality instead of copying it through JSON for every snapshot.
	 */
	@Column(name = "phases", nullable = false)
	@Convert(converter = ProgressColumns.Phases.class)
	@Mutability(Immutability.class)
	private List<PhaseRecord> phases = List.of();

	/** What it did to each device; replaced, never mutated. */
	@Column(name = "devices", nullable = false)
	@Convert(converter = ProgressColumns.Devices.class)
	@Mutability(Immutability.class)
	private List<DeviceOutcome> devices = List.of();

	protected Operation() {
		this.id = new UUID(0, 0);
		this.kind = OperationKind.SUSPEND;
		this.requesters = Requesters.NONE;
		this.params = OperationParams.NONE;
		this.state = OperationState.PENDING;
		this.deadlineAt = Instant.EPOCH;
		this.createdAt = Instant.EPOCH;
	}

	Operation(UUID id, OperationKind kind, int domid, String host, OperationParams params,
			@Nullable UUID checkpointId, String requestedBy, Instant now) {
		this.id = id;
		this.hostName = host;
		this.kind = kind;
		this.domid = domid;
		this.requesters = Requesters.of(requestedBy);
		this.params = params;
		this.checkpointId = checkpointId;
		this.state = OperationState.PENDING;
		this.createdAt = now;
		this.deadlineAt = now.plus(Duration.ofMillis(params.deadlineMs()));
		this.phases = kind.phases().stream().map(PhaseRecord::pending).toList();
		changed();
	}

	/**
	 * A copy to change: a worker changes the copy, writes it, and keeps it only once the write has
	 * committed (see {@link OperationJournal}), so a write that rolls back leaves what it holds as it
	 * was. Every field is a value (the lists are never mutated), so a shallow copy is a copy.
	 */
	Operation copy() {
		Operation c = new Operation();
		c.id = id;
		c.kind = kind;
		c.domid = domid;
		c.params = params;
		c.state = state;
		c.currentPhase = currentPhase;
		c.deadlineAt = deadlineAt;
		c.checkpointId = checkpointId;
		c.epochs = epochs;
		c.cancelRequested = cancelRequested;
		c.requesters = requesters;
		c.owner = owner;
		c.hostName = hostName;
		c.attempts = attempts;
		c.recoveryNote = recoveryNote;
		c.error = error;
		c.createdAt = createdAt;
		c.startedAt = startedAt;
		c.finishedAt = finishedAt;
		c.version = version;
		c.phases = phases;
		c.devices = devices;
		return c;
	}

	/** Accepted for another instance to run: PENDING, assigned to {@code instance}, which claims it. */
	void assign(String instance) {
		require(OperationState.PENDING, "assign");
		this.owner = instance;
	}

	/** PENDING → RUNNING on a worker of {@code owner}. */
	void start(String owner, Instant now) {
		require(OperationState.PENDING, "start");
		this.state = OperationState.RUNNING;
		this.owner = owner;
		this.attempts++;
		this.startedAt = now;
		changed();
	}

	/** Enters {@code phase}; phases before it that had not run happened inside one call (done). */
	void enter(Phase phase, Instant now) {
		require(OperationState.RUNNING, "enter " + phase);
		changePhases(p -> Phases.enter(p, phase, now));
		this.currentPhase = phase;
		changed();
	}

	void progress(Phase phase, int percent) {
		changePhases(p -> Phases.progress(p, phase, percent));
		changed();
	}

	void complete(Phase phase, Instant now) {
		changePhases(p -> Phases.complete(p, phase, now));
		changed();
	}

	/** The checkpoint a running suspend or live checkpoint stored: set once. */
	void checkpoint(UUID checkpoint) {
		require(OperationState.RUNNING, "record checkpoint " + checkpoint);
		if (checkpointId != null && !checkpointId.equals(checkpoint)) {
			throw new IllegalStateException("operation " + id + " already references checkpoint " + checkpointId);
		}
		this.checkpointId = checkpoint;
	}

	/** What the running operation did to each device. */
	void devices(List<DeviceOutcome> outcomes) {
		require(OperationState.RUNNING, "record device outcomes");
		this.devices = List.copyOf(outcomes);
	}

	void epoch(long pausedMs, boolean startedLate) {
		this.epochs = epochs.plus(pausedMs, startedLate);
		if (params.maxEpochs() != null) {
			progress(Phase.EPOCHS, (int) (100L * epochs.completed() / params.maxEpochs()));
		}
		else {
			changed();
		}
	}

	/** RUNNING → SUCCEEDED: every phase done. */
	void succeed(Instant now) {
		require(OperationState.RUNNING, "succeed");
		changePhases(p -> Phases.finishAll(p, now));
		end(OperationState.SUCCEEDED, now);
	}

	/**
	 * RUNNING → {@code end} (FAILED, ROLLED_BACK, RESUME_FAILED or CANCELLED) with {@code problem}
	 * as its outcome: the running phase FAILED (CANCELLED for a cancel), later ones SKIPPED, and the done phases
	 * in {@code compensated} COMPENSATED.
	 */
	void fail(OperationState end, Problem problem, Set<Phase> compensated, Instant now) {
		if (!end.isTerminal() || end == OperationState.SUCCEEDED) {
			throw new IllegalArgumentException("not a failure end state: " + end);
		}
		require(OperationState.RUNNING, "end as " + end);
		PhaseState interrupted = end == OperationState.CANCELLED ? PhaseState.CANCELLED : PhaseState.FAILED;
		changePhases(p -> Phases.end(p, interrupted, compensated, now));
		this.error = problem;
		end(end, now);
	}

	/** PENDING → CANCELLED, as {@code by} asked: nothing had been done. */
	void cancelPending(Problem problem, String by, Instant now) {
		require(OperationState.PENDING, "cancel");
		this.requesters = requesters.cancelledBy(by);
		this.phases = phases.stream().map(r -> r.ended(PhaseState.SKIPPED, now)).toList();
		this.error = problem;
		end(OperationState.CANCELLED, now);
	}

	/**
	 * A cancel {@code by} asked for, honoured by the worker that runs the operation here (the row
	 * records it when the worker next writes it, if the request did not already).
	 */
	void cancelRequested(String by) {
		this.cancelRequested = true;
		this.requesters = requesters.cancelledBy(by);
	}

	/**
	 * A move's hand-over: SUSPEND done, HANDOVER done, and the operation is now the target host's,
	 * assigned to {@code instance} (which runs the phases after it).
	 */
	void handOver(String instance, Instant now) {
		require(OperationState.RUNNING, "hand over");
		String target = params.targetHost();
		if (kind != OperationKind.MOVE || target == null) {
			throw new IllegalStateException("operation " + id + " is not a move");
		}
		changePhases(p -> {
			Phases.enter(p, Phase.HANDOVER, now);
			Phases.complete(p, Phase.HANDOVER, now);
		});
		this.currentPhase = Phase.HANDOVER;
		this.hostName = target;
		this.owner = instance;
		changed();
	}

	/** Whether this is a move whose guest has been handed over to its target host. */
	boolean handedOver() {
		return kind == OperationKind.MOVE && Phases.of(phases, Phase.HANDOVER).state() == PhaseState.DONE;
	}

	/** A handed-over move starts its phases on the target host, on a worker of {@code owner}. */
	void resumeHere(String owner, Instant now) {
		require(OperationState.RUNNING, "resume");
		if (!handedOver()) {
			throw new IllegalStateException("operation " + id + " has not been handed over");
		}
		this.owner = owner;
		this.attempts++;
		enter(Phase.VERIFY_CHECKPOINT, now);
	}

	/**
	 * The attempts at bringing the guest up: a move's first attempt ran the source's phases, which
	 * are not run again.
	 */
	int resumeAttempts() {
		return kind == OperationKind.MOVE ? Math.max(0, attempts - 1) : attempts;
	}

	/**
	 * A handed-over move, after a restart of the target's instance: its phases after HANDOVER run
	 * again, on a worker of {@code owner} (the instance serving the target host now).
	 */
	void requeueResume(String note, String owner) {
		require(OperationState.RUNNING, "requeue");
		if (!handedOver()) {
			throw new IllegalStateException("operation " + id + " has not been handed over");
		}
		boolean after = false;
		List<PhaseRecord> next = new ArrayList<>();
		for (PhaseRecord r : phases) {
			next.add(after ? PhaseRecord.pending(r.phase()) : r);
			after = after || r.phase() == Phase.HANDOVER;
		}
		this.phases = List.copyOf(next);
		this.currentPhase = Phase.HANDOVER;
		this.owner = owner;
		this.cancelRequested = false;
		this.requesters = requesters.withoutCancel();
		this.recoveryNote = clip(note);
		changed();
	}

	/** RUNNING → PENDING after a restart, to run again from the first phase. */
	void requeue(String note) {
		require(OperationState.RUNNING, "requeue");
		this.state = OperationState.PENDING;
		this.currentPhase = null;
		this.cancelRequested = false;
		this.requesters = requesters.withoutCancel();
		this.phases = phases.stream().map(r -> PhaseRecord.pending(r.phase())).toList();
		this.recoveryNote = clip(note);
		changed();
	}

	/** Recovery's note on an operation it decides (before it ends it, or before it runs it again). */
	void note(String note) {
		if (state.isTerminal()) {
			throw new IllegalStateException("operation " + id + " ended as " + state + "; its note is final");
		}
		this.recoveryNote = clip(note);
	}

	/** A note fits its column: what does not is cut, with an ellipsis saying so. */
	private static String clip(String note) {
		return note.length() <= NOTE_LENGTH ? note : note.substring(0, NOTE_LENGTH - 1) + "…";
	}

	private void end(OperationState end, Instant now) {
		this.state = end;
		this.finishedAt = now;
		changed();
	}

	private void require(OperationState expected, String what) {
		if (state != expected) {
			throw new IllegalStateException("cannot " + what + " operation " + id + " in state " + state);
		}
	}

	private void changed() {
		PhaseRecord current = currentPhase == null ? null : Phases.of(phases, currentPhase);
		registerEvent(new OperationChanged(id, domid, kind, state, currentPhase,
				current == null ? null : current.state(), OperationProgress.overall(this),
				requesters.requestedBy()));
	}

	/** Whether a cancel now would be honoured: PENDING, or RUNNING in a cancellable phase. */
	boolean cancellable() {
		return state == OperationState.PENDING
				|| (state == OperationState.RUNNING && currentPhase != null && currentPhase.cancellable());
	}

	// accessors (package-private: the module reads, only transitions write)

	UUID id() { return id; }

	/** Spring Data's view of the id; {@link #id()} is the aggregate's. */
	@Override
	public UUID getId() {
		return id;
	}

	/**
	 * New until its first save gives it a version: its id is assigned at creation, so Spring Data
	 * cannot tell by the id (and would otherwise find the version by reflection on every save).
	 */
	@Override
	public boolean isNew() {
		return version == null;
	}

	OperationKind kind() { return kind; }

	int domid() { return domid; }

	Requesters requesters() { return requesters; }

	/** What the operation changes is attributed to: its requester, and itself. */
	Cause cause() { return Cause.operation(requesters.requestedBy(), id); }

	OperationParams params() { return params; }

	OperationState state() { return state; }

	@Nullable Phase currentPhase() { return currentPhase; }

	Instant deadlineAt() { return deadlineAt; }

	@Nullable UUID checkpointId() { return checkpointId; }

	EpochStats epochs() { return epochs; }

	boolean cancelRequested() { return cancelRequested; }

	@Nullable String owner() { return owner; }

	@Nullable String host() { return hostName; }

	int attempts() { return attempts; }

	@Nullable String recoveryNote() { return recoveryNote; }

	@Nullable Problem error() { return error; }

	Instant createdAt() { return createdAt; }

	@Nullable Instant startedAt() { return startedAt; }

	@Nullable Instant finishedAt() { return finishedAt; }

	List<PhaseRecord> phases() { return phases; }

	List<DeviceOutcome> devices() { return devices; }

	/** The events registered since the last save (they are published when it is saved). */
	java.util.Collection<Object> pendingEvents() { return domainEvents(); }

	/**
	 * The events registered since they were last taken, taken: an operation written without JPA
	 * (see {@link OperationRows}) publishes them itself.
	 */
	List<Object> takeEvents() {
		List<Object> taken = List.copyOf(domainEvents());
		clearDomainEvents();
		return taken;
	}


	/** The phases after {@code change}: a new list, so the row is written (see {@link ProgressColumns}). */
	private void changePhases(Consumer<List<PhaseRecord>> change) {
		List<PhaseRecord> next = new ArrayList<>(phases);
		change.accept(next);
		this.phases = List.copyOf(next);
	}

}
