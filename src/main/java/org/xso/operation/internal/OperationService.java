package org.xso.operation.internal;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.xso.audit.Cause;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.checkpoint.CheckpointStore;
import org.xso.checkpoint.CheckpointViews;
import org.xso.domain.DomainLifecycle;
import org.xso.domain.DomainService;
import org.xso.domain.DomainState;
import org.xso.domain.DomainViews;
import org.xso.host.HostRegistry;
import org.xso.host.HostView;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationRequests;
import org.xso.operation.OperationViews;
import org.xso.operation.Operations;
import org.xso.operation.Submitted;
import org.xso.problem.Precondition;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/**
 * The operations a caller starts: suspend, live checkpoint, periodic checkpointing, resume,
 * restore and move. Each checks its preconditions inside the accepting transaction: the domain exists and
 * is not busy, If-Match holds, the power state fits, and a checkpoint to resume from verifies
 * (422 and nothing changes otherwise). Each records the principal that requested it
 * ({@code requestedBy}, the caller's name as the controller passes it).
 */
@Service
class OperationService implements Operations {

	private final OperationSubmitter submitter;

	private final DomainService domains;

	private final DomainLifecycle lifecycle;

	private final CheckpointCatalog catalog;

	private final CheckpointStore store;

	private final OperationProperties properties;

	private final Cancellation cancellation;

	private final Hypervisor hypervisor;

	private final HostRegistry hosts;

	OperationService(OperationSubmitter submitter, DomainService domains, DomainLifecycle lifecycle,
			CheckpointCatalog catalog, CheckpointStore store, OperationProperties properties,
			Cancellation cancellation, Hypervisor hypervisor, HostRegistry hosts) {
		this.hosts = hosts;
		this.submitter = submitter;
		this.domains = domains;
		this.lifecycle = lifecycle;
		this.catalog = catalog;
		this.store = store;
		this.properties = properties;
		this.cancellation = cancellation;
		this.hypervisor = hypervisor;
	}

	@Override
	public OperationViews.OperationView cancel(UUID id, String by) {
		return cancellation.cancel(id, by);
	}

	@Override
	public Submitted suspend(int domid, OperationRequests.QuiesceRequest r, @Nullable String key,
			Precondition expected, String requestedBy) {
		return quiesce(OperationKind.SUSPEND, domid, r, key, expected, requestedBy);
	}

	@Override
	public Submitted checkpoint(int domid, OperationRequests.QuiesceRequest r,
			@Nullable String key, Precondition expected, String requestedBy) {
		return quiesce(OperationKind.CHECKPOINT, domid, r, key, expected, requestedBy);
	}

	private Submitted quiesce(OperationKind kind, int domid, OperationRequests.QuiesceRequest r,
			@Nullable String key, Precondition expected, String requestedBy) {
		SuspendStrategy strategy = OperationRequests.strategy(r.strategy());
		long quiesce = OperationRequests.range(r.quiesceTimeoutMs(), properties.defaultQuiesceTimeout().toMillis(),
				"/quiesceTimeoutMs", 1, 600_000);
		long deadline = deadline(r.deadlineMs(), "/deadlineMs");
		String signature = kind + "|" + domid + "|" + strategy + "|" + quiesce + "|" + deadline;
		return submitter.submit(kind, domid, signature, key, requestedBy, id -> {
			DomainViews.DomainRecord d = running(kind, domid, id, expected);
			return new OperationSubmitter.Draft(kind, domid, host(d),
					OperationParams.quiesce(domid, strategy, quiesce, deadline), null, true);
		});
	}

	@Override
	public Submitted periodic(int domid, OperationRequests.PeriodicRequest r, @Nullable String key,
			Precondition expected, String requestedBy) {
		SuspendStrategy strategy = OperationRequests.strategy(r.strategy());
		if (r.intervalMs() == null) {
			throw ProblemException.invalid(Violation.of("/intervalMs", "is required"));
		}
		long interval = OperationRequests.range(r.intervalMs(), 0, "/intervalMs", 10, 86_400_000);
		Integer count = r.count();
		if (count != null && (count < 1 || count > 1_000_000)) {
			throw ProblemException.invalid(Violation.of("/count", "must be 1..1000000: " + count));
		}
		long quiesce = OperationRequests.range(r.quiesceTimeoutMs(), properties.defaultQuiesceTimeout().toMillis(),
				"/quiesceTimeoutMs", 1, 600_000);
		long epochDeadline = deadline(r.epochDeadlineMs(), "/epochDeadlineMs");
		boolean outputCommit = Boolean.TRUE.equals(r.outputCommit());
		if (outputCommit && !hypervisor.holdsOutput()) {
			throw new ProblemException(ProblemCode.NOT_SUPPORTED,
					"output commit: the " + hypervisor.kind() + " adapter cannot hold a guest's network output");
		}
		String signature = "PERIODIC|" + domid + "|" + strategy + "|" + interval + "|" + count + "|" + quiesce + "|"
				+ epochDeadline + "|" + outputCommit;
		return submitter.submit(OperationKind.PERIODIC_CHECKPOINT, domid, signature, key, requestedBy, id -> {
			DomainViews.DomainRecord d = running(OperationKind.PERIODIC_CHECKPOINT, domid, id, expected);
			return new OperationSubmitter.Draft(OperationKind.PERIODIC_CHECKPOINT, domid, host(d),
					OperationParams.periodic(domid, strategy, quiesce, epochDeadline, interval, count, outputCommit), null,
					true);
		});
	}

	@Override
	public Submitted resume(int domid, OperationRequests.ResumeRequest r, @Nullable String key,
			Precondition expected, String requestedBy) {
		long deadline = deadline(r.deadlineMs(), "/deadlineMs");
		String target = r.host();
		if (target != null && !target.matches(HOST_NAME)) {
			throw ProblemException.invalid(Violation.of("/host", "is not a host name: " + target));
		}
		boolean paused = Boolean.TRUE.equals(r.paused());
		List<BackendOverride> overrides = OperationRequests.overrides(r.devices());
		// (a request without paused or devices signs as before they existed: a repeat after an
		// upgrade is the same)
		String signature = "RESUME|" + domid + "|" + r.checkpointId() + "|" + deadline + "|" + target
				+ (paused ? "|paused" : "") + signed(overrides);
		return submitter.submit(OperationKind.RESUME, domid, signature, key, requestedBy, id -> {
			DomainViews.DomainRecord d = leased(OperationKind.RESUME, domid, id);
			expected.check(d.etag());
			if (d.state() != DomainState.SUSPENDED) {
				throw new ProblemException(ProblemCode.BAD_POWER_STATE,
						"domain " + domid + " is " + d.state() + "; only a SUSPENDED domain can be resumed");
			}
			UUID checkpoint = resumable(d, r.checkpointId());
			SavedDomain image = store.loadVerified(checkpoint);
			GuestSpec back = BackendChecks.effective(image.config(), overrides);
			String on = host(d);
			if (target != null && !target.equals(on)) {
				// the suspended guest moves to the host that resumes it (which must reach its storage)
				HostView to = hosts.requireUp(target, "the resume of domain " + domid);
				BackendChecks.requireOn(to, back, overrides, "the resume of domain " + domid);
				lifecycle.moveTo(domid, target);
				on = target;
			}
			else {
				requireBackendsOn(on, back, overrides, "the resume of domain " + domid);
			}
			return new OperationSubmitter.Draft(OperationKind.RESUME, domid, on,
					OperationParams.resume(domid, deadline, paused, overrides), checkpoint, true, image);
		});
	}

	@Override
	public Submitted move(int domid, OperationRequests.MoveRequest r, @Nullable String key, Precondition expected,
			String requestedBy) {
		String target = r.host();
		if (target == null) {
			throw ProblemException.invalid(Violation.of("/host", "is required: the host to move the domain to"));
		}
		if (!target.matches(HOST_NAME)) {
			throw ProblemException.invalid(Violation.of("/host", "is not a host name: " + target));
		}
		SuspendStrategy strategy = OperationRequests.strategy(r.strategy());
		long quiesce = OperationRequests.range(r.quiesceTimeoutMs(), properties.defaultQuiesceTimeout().toMillis(),
				"/quiesceTimeoutMs", 1, 600_000);
		long deadline = deadline(r.deadlineMs(), "/deadlineMs");
		boolean paused = Boolean.TRUE.equals(r.paused());
		List<BackendOverride> overrides = OperationRequests.overrides(r.devices());
		String signature = "MOVE|" + domid + "|" + target + "|" + strategy + "|" + quiesce + "|" + deadline
				+ (paused ? "|paused" : "") + signed(overrides);
		return submitter.submit(OperationKind.MOVE, domid, signature, key, requestedBy, id -> {
			DomainViews.DomainRecord d = running(OperationKind.MOVE, domid, id, expected);
			String source = host(d);
			if (target.equals(source)) {
				throw new ProblemException(ProblemCode.ALREADY_ON_HOST,
						"domain " + domid + " is on host " + target + " already");
			}
			// the target must be there to take the guest over (checked again at the hand-over), and
			// reach its storage as far as the hosts can tell (its own check refuses the resume otherwise)
			HostView to = hosts.requireUp(target, "the move of domain " + domid);
			hosts.find(source).filter(from -> !from.mayShareStorageWith(to)).ifPresent(from -> {
				throw new ProblemException(ProblemCode.STORAGE_NOT_SHARED, "host " + target
						+ " does not reach the storage of host " + source + " (storage " + to.storageId() + ", not "
						+ from.storageId() + "): domain " + domid + " cannot be resumed there; nothing was done");
			});
			// and run its devices' backends, as the guest has them or as the overrides say
			BackendChecks.requireOn(to, BackendChecks.effective(d.spec(), overrides), overrides,
					"the move of domain " + domid);
			return new OperationSubmitter.Draft(OperationKind.MOVE, domid, source,
					OperationParams.move(domid, strategy, quiesce, deadline, source, target, paused, overrides), null,
					true);
		});
	}

	@Override
	public Submitted restore(UUID checkpointId, OperationRequests.RestoreRequest r,
			@Nullable String key, Precondition expected, String requestedBy) {
		long deadline = deadline(r.deadlineMs(), "/deadlineMs");
		Integer target = r.targetDomid();
		if (target != null && (target < 1 || target > 32751)) {
			throw ProblemException.invalid(Violation.of("/targetDomid", "must be 1..32751: " + target));
		}
		CheckpointViews.Summary c = catalog.summary(checkpointId);
		boolean paused = Boolean.TRUE.equals(r.paused());
		List<BackendOverride> overrides = OperationRequests.overrides(r.devices());
		String signature = "RESTORE|" + checkpointId + "|" + target + "|" + deadline + (paused ? "|paused" : "")
				+ signed(overrides);
		return submitter.submit(OperationKind.RESTORE, c.domid(), signature, key, requestedBy, id -> {
			expected.check(c.etag());
			SavedDomain image = store.loadVerified(checkpointId);
			int domid = target != null ? target : domains.lowestFreeDomid();
			if (!domains.free(domid)) {
				throw new ProblemException(ProblemCode.DOMAIN_EXISTS, "domain " + domid + " exists");
			}
			// restored on the host that holds the checkpoint's disks, with the devices as overridden
			String host = c.host() != null ? c.host() : hosts.localName();
			GuestSpec back = BackendChecks.effective(image.config(), overrides);
			requireBackendsOn(host, back, overrides, "the restore of checkpoint " + checkpointId);
			lifecycle.restoring(domid, host, back, Cause.request(requestedBy));
			return new OperationSubmitter.Draft(OperationKind.RESTORE, domid, host,
					OperationParams.resume(c.domid(), deadline, paused, overrides), checkpointId, false,
					image);
		});
	}

	/**
	 * The backends of a guest brought back on {@code host}, checked against what the host reported
	 * (if it is known; this instance's own host without a read).
	 */
	private void requireBackendsOn(String host, GuestSpec guest, List<BackendOverride> overrides, String what) {
		hosts.reported(host).ifPresent(h -> BackendChecks.requireOn(h, guest, overrides, what));
	}

	/** The overrides as a request's signature has them: nothing when there are none. */
	private static String signed(List<BackendOverride> overrides) {
		StringBuilder s = new StringBuilder();
		for (BackendOverride o : overrides) {
			s.append("|dev:").append(o.id()).append(',').append(o.backendDomid()).append(',').append(o.bridge())
				.append(',').append(o.target());
		}
		return s.toString();
	}

	/** A host's name, as {@code xso.host.name} takes it. */
	private static final String HOST_NAME = "[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?";

	/** The checkpoint a resume uses: the named one (of this domain) or the one it was suspended to. */
	UUID resumable(DomainViews.DomainRecord d, @Nullable UUID requested) {
		UUID checkpoint = requested != null ? requested : d.suspendCheckpointId();
		if (checkpoint == null) {
			throw new ProblemException(ProblemCode.NO_CHECKPOINT, "domain " + d.domid() + " has no checkpoint");
		}
		CheckpointViews.Summary c = catalog.summary(checkpoint);
		if (c.domid() != d.domid()) {
			throw new ProblemException(ProblemCode.CHECKPOINT_DOMAIN_MISMATCH, "checkpoint " + checkpoint
					+ " belongs to domain " + c.domid() + "; restore it into a new domain instead")
				.withCheckpointId(checkpoint);
		}
		return checkpoint;
	}

	private DomainViews.DomainRecord running(OperationKind kind, int domid, UUID id, Precondition expected) {
		DomainViews.DomainRecord d = leased(kind, domid, id);
		expected.check(d.etag());
		if (d.state() != DomainState.RUNNING) {
			throw new ProblemException(ProblemCode.BAD_POWER_STATE,
					"domain " + domid + " is " + d.state() + "; only a RUNNING domain can be quiesced");
		}
		return d;
	}

	/** The host whose instance runs an operation on {@code d}: the domain's. */
	private String host(DomainViews.DomainRecord d) {
		return d.host() != null ? d.host() : hosts.localName();
	}

	/**
	 * Domain {@code domid}, read once its lease is taken for operation {@code id}: 409 DOMAIN_BUSY
	 * if another holds it, 404 if there is no such domain (the lease goes with the transaction).
	 */
	private DomainViews.DomainRecord leased(OperationKind kind, int domid, UUID id) {
		submitter.lease(kind, domid, id);
		return domains.record(domid);
	}

	private long deadline(@Nullable Long value, String pointer) {
		return OperationRequests.range(value, properties.defaultDeadline().toMillis(), pointer, 100,
				Duration.ofHours(1).toMillis());
	}

}
