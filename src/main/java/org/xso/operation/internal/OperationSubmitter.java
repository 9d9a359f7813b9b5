package org.xso.operation.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.domain.DomainLeases;
import org.xso.domain.DomainService;
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
 * the principal that requested it; after the commit a worker runs it. A request that fails any
 * check changes nothing. A repeat returns the operation as the first request recorded it, whoever
 * repeats it: its {@code requestedBy} stays the first caller's.
 */
@Service
class OperationSubmitter {

	private final OperationRepository operations;

	private final DomainLeases leases;

	private final DomainService domains;

	private final OperationExecutor executor;

	private final OperationViewMapper views;

	private final TransactionTemplate tx;

	private final VerifiedImages images;

	private final Clock clock;

	OperationSubmitter(OperationRepository operations, DomainLeases leases, DomainService domains,
			OperationExecutor executor, OperationViewMapper views, TransactionTemplate tx, VerifiedImages images,
			Clock clock) {
		this.operations = operations;
		this.leases = leases;
		this.domains = domains;
		this.executor = executor;
		this.views = views;
		this.tx = tx;
		this.images = images;
		this.clock = clock;
	}

	/**
	 * What a checked request turns into; {@code checkedVersion} is the version of the domain the
	 * checks read (null where the draft creates its domain, as a restore does).
	 */
	record Draft(OperationKind kind, int domid, OperationParams params, @Nullable UUID checkpointId,
			@Nullable Long checkedVersion, @Nullable SavedDomain verified) {

		Draft(OperationKind kind, int domid, OperationParams params, @Nullable UUID checkpointId,
				@Nullable Long checkedVersion) {
			this(kind, domid, params, checkpointId, checkedVersion, null);
		}

	}

	/**
	 * @param subjectDomid the domain that scopes the key
	 * @param signature the request with defaults applied; a repeat must have the same
	 * @param requestedBy the principal that asks (recorded with the operation in the same transaction)
	 * @param prepare runs inside the transaction: checks, then the draft (it may also record a
	 * restore target)
	 */
	Submitted submit(OperationKind kind, int subjectDomid, String signature, @Nullable String key, String requestedBy,
			Supplier<Draft> prepare) {
		String hash = CanonicalBytes.sha256(signature.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Accepted accepted;
		try {
			accepted = tx.execute(s -> {
				Optional<Accepted> earlier = earlier(kind, subjectDomid, key, hash);
				if (earlier.isPresent()) {
					return earlier.get();
				}
				Draft draft = prepare.get();
				executor.requireCapacity(kind);
				OperationParams p = draft.params();
				Operation op = new Operation(UUID.randomUUID(), kind, draft.domid(),
						new OperationParams(p.subjectDomid(), p.strategy(), p.quiesceTimeoutMs(), p.deadlineMs(),
								p.intervalMs(), p.maxEpochs(), key, hash),
						draft.checkpointId(), requestedBy, clock.instant());
				leases.acquire(draft.domid(), op.id(), kind.name().toLowerCase(java.util.Locale.ROOT));
				requireUnchanged(draft);
				operations.saveAndFlush(op);
				// the answer is the operation as recorded: PENDING (no second read after the commit)
				return new Accepted(op.id(), false, views.map(op), draft.verified());
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
		executor.dispatch(accepted.id(), kind);
		return new Submitted(Objects.requireNonNull(accepted.view()), false);
	}

	/**
	 * The checks read the domain before its lease was taken: an operation that ended in between (it
	 * changes the domain and releases the lease in one commit) may have made them wrong, e.g. a
	 * suspend checked against RUNNING while the previous suspend committed SUSPENDED. Once the lease
	 * is ours nothing else changes the domain, so an unchanged version means the checks still hold;
	 * otherwise 409 and nothing is recorded.
	 */
	private void requireUnchanged(Draft draft) {
		Long checked = draft.checkedVersion();
		if (checked != null && !domains.committedVersion(draft.domid()).map(checked::equals).orElse(false)) {
			throw new ProblemException(ProblemCode.CONCURRENT_MODIFICATION, "domain " + draft.domid()
					+ " changed while this request was checked (an operation on it ended); read it again");
		}
	}

	/** An accepted request: the operation it started (with its view) or the one its key started before. */
	private record Accepted(UUID id, boolean repeated, OperationViews.@Nullable OperationView view,
			@Nullable SavedDomain verified) {
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
			return new Accepted(op.id(), true, null, null);
		});
	}

}
