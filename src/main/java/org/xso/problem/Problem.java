package org.xso.problem;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A problem as the domain states it: its {@link ProblemCode}, a sentence in the service's words,
 * and what it concerns — an operation, a checkpoint, the fields of a command that are not
 * acceptable, the reasons a checkpoint cannot be used, the current version tag of a resource whose
 * precondition failed, the lease that makes a domain busy. It is what a refused command throws
 * (inside a {@link ProblemException}) and what a failed operation records as its outcome, so the
 * two are reported alike. It holds no HTTP status, title or URI: the web layer adds those.
 */
public record Problem(ProblemCode code, String detail, @Nullable UUID operationId, @Nullable UUID checkpointId,
		List<Violation> errors, List<String> reasons, @Nullable String etag, @Nullable LeaseRef lease) {

	/** Lists absent from a stored outcome (recorded before they existed) read as empty. */
	public Problem {
		errors = errors == null ? List.of() : List.copyOf(errors);
		reasons = reasons == null ? List.of() : List.copyOf(reasons);
	}

	public static Problem of(ProblemCode code, String detail) {
		return new Problem(code, detail, null, null, List.of(), List.of(), null, null);
	}

	public Problem withOperationId(@Nullable UUID id) {
		return new Problem(code, detail, id, checkpointId, errors, reasons, etag, lease);
	}

	public Problem withCheckpointId(@Nullable UUID id) {
		return new Problem(code, detail, operationId, id, errors, reasons, etag, lease);
	}

	public Problem withErrors(List<Violation> errors) {
		return new Problem(code, detail, operationId, checkpointId, errors, reasons, etag, lease);
	}

	public Problem withReasons(List<String> reasons) {
		return new Problem(code, detail, operationId, checkpointId, errors, reasons, etag, lease);
	}

	public Problem withEtag(@Nullable String etag) {
		return new Problem(code, detail, operationId, checkpointId, errors, reasons, etag, lease);
	}

	/** The lease that makes the domain busy, and the operation holding it. */
	public Problem withLease(LeaseRef lease) {
		return new Problem(code, detail, lease.operationId(), checkpointId, errors, reasons, etag, lease);
	}

}
