package org.xso.problem;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A command refused, or a step of an operation that failed, with the {@link Problem} that says why.
 * Services throw it; an operation catches it and records its problem as the outcome; the web layer
 * renders it. The {@code with...} methods add what the problem concerns while it is being built.
 */
public class ProblemException extends RuntimeException {

	private Problem problem;

	public ProblemException(ProblemCode code, String detail) {
		super(detail);
		this.problem = Problem.of(code, detail);
	}

	public ProblemException(ProblemCode code, String detail, Throwable cause) {
		super(detail, cause);
		this.problem = Problem.of(code, detail);
	}

	public ProblemException(Problem problem) {
		super(problem.detail());
		this.problem = problem;
	}

	/** A command field that is not acceptable: VALIDATION_FAILED naming it. */
	public static ProblemException invalid(Violation violation) {
		return new ProblemException(ProblemCode.VALIDATION_FAILED, violation.message()).withErrors(List.of(violation));
	}

	/** Command fields that are not acceptable: VALIDATION_FAILED naming each. */
	public static ProblemException invalid(List<Violation> violations) {
		return new ProblemException(ProblemCode.VALIDATION_FAILED,
				violations.size() == 1 ? violations.get(0).message() : violations.size() + " fields are not acceptable")
			.withErrors(violations);
	}

	public Problem problem() {
		return problem;
	}

	public ProblemCode code() {
		return problem.code();
	}

	public ProblemException withOperationId(@Nullable UUID id) {
		this.problem = problem.withOperationId(id);
		return this;
	}

	public ProblemException withCheckpointId(@Nullable UUID id) {
		this.problem = problem.withCheckpointId(id);
		return this;
	}

	public ProblemException withErrors(List<Violation> errors) {
		this.problem = problem.withErrors(errors);
		return this;
	}

	public ProblemException withReasons(List<String> reasons) {
		this.problem = problem.withReasons(reasons);
		return this;
	}

	public ProblemException withEtag(String etag) {
		this.problem = problem.withEtag(etag);
		return this;
	}

	public ProblemException withLease(LeaseRef lease) {
		this.problem = problem.withLease(lease);
		return this;
	}

}
