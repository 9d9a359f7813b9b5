package org.xso.operation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.hypervisor.DeviceType;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationRequests;
import org.xso.operation.Phase;
import org.xso.operation.OperationViews;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/** Builds the operation representation from the aggregate (inside a read transaction). */
@Component
class OperationViewMapper {

	/** The epochs a periodic checkpoint's view shows, the newest. */
	static final int RECENT_EPOCHS = 20;

	private final OperationEpochRepository epochs;

	private final OperationRepository operations;

	private final TransactionTemplate readOnly;

	OperationViewMapper(OperationEpochRepository epochs, OperationRepository operations,
			PlatformTransactionManager transactions) {
		this.epochs = epochs;
		this.operations = operations;
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
	}

	/** Operation {@code id} as it is recorded, read in a transaction of its own; OPERATION_NOT_FOUND if none. */
	OperationViews.OperationView read(UUID id) {
		return Objects.requireNonNull(readOnly.execute(s -> map(operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id)
				.withOperationId(id)))));
	}

	OperationViews.OperationView map(Operation op) {
		return map(op, null);
	}

	/**
	 * {@code op}'s view; a periodic checkpoint's newest epochs are {@code recentEpochs} (newest first)
	 * if given, read from its rows if not.
	 */
	OperationViews.OperationView map(Operation op, @Nullable List<OperationViews.EpochView> recentEpochs) {
		OperationParams p = op.params();
		OperationViews.@Nullable Move move = p.sourceHost() != null && p.targetHost() != null
				? new OperationViews.Move(p.sourceHost(), p.targetHost()) : null;
		List<OperationViews.PhaseView> phases = new java.util.ArrayList<>(op.phases().size());
		boolean onTarget = false;
		for (PhaseRecord r : op.phases()) {
			String host = move == null ? op.host() : onTarget ? move.target() : move.source();
			onTarget = onTarget || r.phase() == Phase.HANDOVER;
			phases.add(new OperationViews.PhaseView(r.phase(), r.state(), r.progress(), r.phase().cancellable(), host,
					r.startedAt(), r.finishedAt(), millis(r.startedAt(), r.finishedAt())));
		}
		List<OperationViews.DeviceView> devices = op.devices().stream().map(OperationViewMapper::device).toList();
		return new OperationViews.OperationView(op.id(), op.kind(), op.domid(),
				p.subjectDomid() == op.domid() ? null : p.subjectDomid(), op.requesters().requestedBy(), op.state(),
				op.currentPhase(), op.cancellable() && !op.cancelRequested(), op.cancelRequested(),
				op.requesters().cancelRequestedBy(), OperationProgress.overall(op),
				p.strategy(), p.quiesceTimeoutMs(), p.deadlineMs(), op.deadlineAt(), op.checkpointId(), phases, devices,
				periodic(op, recentEpochs), op.error(), op.owner(), op.host(), move, overrides(p), op.attempts(), op.recoveryNote(), op.createdAt(), op.startedAt(),
				op.finishedAt(), millis(op.startedAt(), op.finishedAt()));
	}

	/** {@code v} with a cancel asked for by {@code by}: no longer cancellable. */
	static OperationViews.OperationView withCancelRequested(OperationViews.OperationView v, String by) {
		return new OperationViews.OperationView(v.id(), v.kind(), v.domid(), v.sourceDomid(), v.requestedBy(),
				v.state(), v.phase(), false, true, by, v.progress(), v.strategy(), v.quiesceTimeoutMs(),
				v.deadlineMs(), v.deadlineAt(), v.checkpointId(), v.phases(), v.devices(), v.periodic(), v.error(),
				v.owner(), v.host(), v.move(), v.backendOverrides(), v.attempts(), v.recoveryNote(), v.createdAt(), v.startedAt(), v.finishedAt(),
				v.durationMs());
	}

	/** The backend overrides as the request gave them; none: absent. */
	private static @Nullable List<OperationRequests.DeviceOverride> overrides(OperationParams p) {
		if (p.overrides().isEmpty()) {
			return null;
		}
		return p.overrides()
			.stream()
			.map(o -> new OperationRequests.DeviceOverride(o.id().type(), o.id().devid(),
					o.backendDomid() == null ? null : o.backendDomid().value(), o.bridge(), o.target()))
			.toList();
	}

	private OperationViews.@Nullable Periodic periodic(Operation op,
			@Nullable List<OperationViews.EpochView> recentEpochs) {
		if (op.kind() != OperationKind.PERIODIC_CHECKPOINT) {
			return null;
		}
		List<OperationViews.EpochView> recent = recentEpochs != null ? recentEpochs : recentEpochs(op.id());
		EpochStats s = op.epochs();
		Long interval = op.params().intervalMs();
		return new OperationViews.Periodic(interval == null ? 0 : interval, op.params().maxEpochs(),
				op.params().outputCommit(), s.completed(),
				s.late(), s.pausedMsTotal(), s.pausedMsAverage(), s.pausedMsMax(), recent);
	}

	/** Operation {@code id}'s newest epochs as its rows have them, newest first. */
	List<OperationViews.EpochView> recentEpochs(UUID id) {
		return epochs.newest(id, Limit.of(RECENT_EPOCHS)).stream().map(OperationEpoch::view).toList();
	}

	private static OperationViews.DeviceView device(DeviceOutcome d) {
		List<Long> before = refs(d.refsBefore());
		List<Long> after = refs(d.refsAfter());
		Set<Long> reused = new HashSet<>(before);
		reused.retainAll(after);
		return new OperationViews.DeviceView(DeviceType.parse(d.deviceType()), d.devid(), d.drained(), d.shadowed(),
				d.queued(), d.replayed(), d.reissued(), d.dropped(), d.ringTornDown(), after.size(), reused.isEmpty(),
				before, after, d.featuresLost().isBlank() ? List.of() : List.of(d.featuresLost().split(",")));
	}

	private static List<Long> refs(String csv) {
		return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(Long::parseLong).toList();
	}

	private static @Nullable Long millis(@Nullable Instant from, @Nullable Instant to) {
		return from == null || to == null ? null : Duration.between(from, to).toMillis();
	}

}
