package org.xso.operation.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.domain.DomainLeases;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.SavedDomain;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationViews;
import org.xso.operation.Submitted;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Accepts an operation: in one transaction it returns the operation an Idempotency-Key already
 * started, or checks the request, takes the domain's lease and records the operation PENDING with
 * the principal that requested it; after the commit a worker runs it. An operation on a guest of
 * another host is assigned to the instance serving that host (503 HOST_UNAVAILABLE if none does),
 * the lease with it, and that instance is told to claim it ({@link HostQueue}). A request that fails any
 * check changes nothing. A repeat returns the operation as the first request recorded it, whoever
 * repeats it: its {@code requestedBy} stays the first caller's.
 */
@Service
class OperationSubmitter {

	private final OperationRepository operations;

	private final DomainLeases leases;

	private final OperationExecutor executor;

	private final OperationViewMapper views;

	private final TransactionTemplate tx;

	private final VerifiedImages images;

	private final LiveOperations live;

	private final Clock clock;

	private final HostRegistry hosts;

	private final HostChannels channels;

	OperationSubmitter(OperationRepository operations, DomainLeases leases,
			OperationExecutor executor, OperationViewMapper views, TransactionTemplate tx, VerifiedImages images,
			LiveOperations live, Clock clock, HostRegistry hosts, HostChannels channels) {
		this.hosts = hosts;
		this.channels = channels;
		this.live = live;
		this.operations = operations;
		this.leases = leases;
		this.executor = executor;
		this.views = views;
		this.tx = tx;
		this.images = images;
		this.clock = clock;
	}

	/**
	 * What a checked request turns into; {@code leased} if the checks took the domain's lease first
	 * (so what they read cannot change before the commit), otherwise the lease is taken after them
	 * (a restore, whose checks create the domain).
	 */
	record Draft(OperationKind kind, int domid, String host, OperationParams params, @Nullable UUID checkpointId,
			boolean leased, @Nullable SavedDomain verified) {

		Draft(OperationKind kind, int domid, String host, OperationParams params, @Nullable UUID checkpointId,
				boolean leased) {
			this(kind, domid, host, params, checkpointId, leased, null);
		}

	}

	/**
	 * @param subjectDomid the domain that scopes the key
	 * @param signature the request with defaults applied; a repeat must have the same
	 * @param requestedBy the principal that asks (recorded with the operation in the same transaction)
	 * @param prepare runs inside the transaction with the new operation's id: takes the domain's lease
	 * (see {@link #lease}) and checks, then the draft (it may also record a restore target)
	 */
	Submitted submit(OperationKind kind, int subjectDomid, String signature, @Nullable String key, String requestedBy,
			Function<UUID, Draft> prepare) {
		String hash = CanonicalBytes.sha256(signature.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Accepted accepted;
		try {
			accepted = tx.execute(s -> {
				Optional<Accepted> earlier = earlier(kind, subjectDomid, key, hash);
				if (earlier.isPresent()) {
					return earlier.get();
				}
				UUID id = UUID.randomUUID();
				Draft draft = prepare.apply(id);
				Operation op = new Operation(id, kind, draft.domid(), draft.host(), draft.params().keyed(key, hash),
						draft.checkpointId(), requestedBy, clock.instant());
				boolean here = hosts.servesHere(draft.host());
				if (here) {
					executor.requireCapacity(kind);
					if (!draft.leased()) {
						lease(kind, draft.domid(), id);
					}
				}
				else {
					// the host's instance runs it: assigned to it, with the domain's lease, and told at the commit
					String runner = hosts.requireUp(draft.host(), "domain " + draft.domid()).instanceId();
					op.assign(runner);
					if (draft.leased()) {
						leases.handOver(draft.domid(), id, runner);
					}
					else {
						leases.acquire(draft.domid(), id, kind.name().toLowerCase(java.util.Locale.ROOT), runner);
					}
					channels.assigned(draft.host());
				}
				operations.saveAndFlush(op);
				// the answer is the operation as recorded: PENDING (no second read after the commit)
				return new Accepted(op.id(), false, views.map(op), here ? draft.verified() : null, here ? op : null);
			});
		}
		catch (ProblemException | DataIntegrityViolationException e) {
			// a concurrent request with the same key may have won the race
			Optional<Accepted> earlier = key == null ? Optional.empty()
					: tx.execute(s -> earlier(kind, subjectDomid, key, hash));
			if (earlier == null || earlier.isEmpty()) {
				throw e;
			}
			accepted = earlier.get();
		}
		if (accepted == null) {
			throw new IllegalStateException("transaction returned nothing");
		}
		if (accepted.repeated()) {
			return new Submitted(views.read(accepted.id()), true);
		}
		if (accepted.verified() != null) {
			images.hold(accepted.id(), accepted.verified());
		}
		OperationViews.OperationView view = Objects.requireNonNull(accepted.view());
		if (accepted.recorded() == null) {
			return new Submitted(view, false); // another host's instance claims it
		}
		live.queued(view);
		// the worker takes the operation as it was recorded, detached since the commit and no longer
		// touched here
		executor.dispatch(Objects.requireNonNull(accepted.recorded()));
		return new Submitted(view, false);
	}

	/**
	 * Takes domain {@code domid}'s lease for operation {@code id} (409 DOMAIN_BUSY if another holds
	 * it). Checks that read the domain after this read what no one else changes until the commit.
	 */
	void lease(OperationKind kind, int domid, UUID id) {
		leases.acquire(domid, id, kind.name().toLowerCase(java.util.Locale.ROOT));
	}

	/** An accepted request: the operation it started (with its view) or the one its key started before. */
	private record Accepted(UUID id, boolean repeated, OperationViews.@Nullable OperationView view,
			@Nullable SavedDomain verified, @Nullable Operation recorded) {
	}

	private Optional<Accepted> earlier(OperationKind kind, int subjectDomid, @Nullable String key, String hash) {
		if (key == null) {
			return Optional.empty();
		}
		return operations.findByIdempotencyKey(subjectDomid, kind, key).map(op -> {
			if (!hash.equals(op.params().requestHash())) {
				throw new ProblemException(ProblemCode.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + key
						+ "' already started operation " + op.id() + " with a different request")
					.withOperationId(op.id());
			}
			return new Accepted(op.id(), true, null, null, null);
		});
	}

}
