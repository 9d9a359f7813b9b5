package org.xso.web;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.problem.LeaseRef;
import org.xso.problem.Problem;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * A problem as the HTTP API reports it: a catalogued {@link ProblemType} and the extension members
 * (set with the {@code with...} methods). The web layer throws it for what only HTTP knows (a query
 * parameter, a header, a body that does not bind) and builds it {@link #of(Problem) from a domain
 * problem}; {@link ProblemHandler} renders it.
 */
public class ApiProblemException extends RuntimeException {

	private final ProblemType code;

	private @Nullable UUID operationId;

	private @Nullable UUID checkpointId;

	private @Nullable List<InvalidParam> errors;

	private @Nullable List<String> reasons;

	private @Nullable String etag;

	private @Nullable LeaseRef lease;

	public ApiProblemException(ProblemType code, String detail) {
		super(detail);
		this.code = code;
	}

	public ApiProblemException(ProblemType code, String detail, Throwable cause) {
		super(detail, cause);
		this.code = code;
	}

	/** The domain's {@code problem} in the API's terms: its type, and a body field for each violation. */
	public static ApiProblemException of(Problem problem, @Nullable Throwable cause) {
		ApiProblemException e = cause == null
				? new ApiProblemException(ProblemType.of(problem.code()), problem.detail())
				: new ApiProblemException(ProblemType.of(problem.code()), problem.detail(), cause);
		e.operationId = problem.operationId();
		e.checkpointId = problem.checkpointId();
		if (!problem.errors().isEmpty()) {
			e.errors = problem.errors().stream().map(v -> InvalidParam.body(v.field(), v.message())).toList();
		}
		if (!problem.reasons().isEmpty()) {
			e.reasons = problem.reasons();
		}
		e.etag = problem.etag();
		e.lease = problem.lease();
		return e;
	}

	public static ApiProblemException of(Problem problem) {
		return of(problem, null);
	}

	/** A refused command: its problem, and what caused it for the log. */
	public static ApiProblemException of(ProblemException refused) {
		return of(refused.problem(), refused.getCause());
	}

	public static ApiProblemException invalid(InvalidParam error) {
		return new ApiProblemException(ProblemType.VALIDATION_FAILED, error.message()).withErrors(List.of(error));
	}

	public ProblemType code() {
		return code;
	}

	public ApiProblemException withOperationId(@Nullable UUID id) {
		this.operationId = id;
		return this;
	}

	public ApiProblemException withCheckpointId(@Nullable UUID id) {
		this.checkpointId = id;
		return this;
	}

	public ApiProblemException withErrors(List<InvalidParam> errors) {
		this.errors = List.copyOf(errors);
		return this;
	}

	public ApiProblemException withReasons(List<String> reasons) {
		this.reasons = List.copyOf(reasons);
		return this;
	}

	public ApiProblemException withEtag(String etag) {
		this.etag = etag;
		return this;
	}

	public ApiProblemException withLease(LeaseRef lease) {
		this.lease = lease;
		this.operationId = lease.operationId();
		return this;
	}

	/**
	 * The problem detail. Its text is the service's own wording, which may quote what the client
	 * sent (a value, a property name): control and format characters in it are escaped, so a client
	 * that shows or logs the problem shows it as one line, in its own direction.
	 */
	public ProblemBody toBody(@Nullable String instance) {
		List<InvalidParam> shownErrors = errors == null ? null
				: errors.stream()
					.map(e -> new InvalidParam(e.in(), SafeText.escape(e.name()), SafeText.escape(e.message())))
					.toList();
		List<String> shownReasons = reasons == null ? null : reasons.stream().map(SafeText::escape).toList();
		return new ProblemBody(code.type(), code.title(), code.status().value(), SafeText.escape(getMessage()),
				instance, code, operationId, checkpointId, shownErrors, shownReasons, etag, lease);
	}

}
