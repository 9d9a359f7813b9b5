package org.xso.web;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.text.SafeText;

/**
 * A failure with a catalogued {@link ProblemCode}. Features throw it; {@link ProblemHandler}
 * renders it. The extension members are set with the {@code with...} methods.
 */
public class ProblemException extends RuntimeException {

	private final ProblemCode code;

	private @Nullable UUID operationId;

	private @Nullable UUID checkpointId;

	private @Nullable List<InvalidParam> errors;

	private @Nullable List<String> reasons;

	private @Nullable String etag;

	private @Nullable LeaseRef lease;

	public ProblemException(ProblemCode code, String detail) {
		super(detail);
		this.code = code;
	}

	public ProblemException(ProblemCode code, String detail, Throwable cause) {
		super(detail, cause);
		this.code = code;
	}

	public static ProblemException invalid(InvalidParam error) {
		return new ProblemException(ProblemCode.VALIDATION_FAILED, error.message()).withErrors(List.of(error));
	}

	public ProblemCode code() {
		return code;
	}

	public ProblemException withOperationId(@Nullable UUID id) {
		this.operationId = id;
		return this;
	}

	public ProblemException withCheckpointId(@Nullable UUID id) {
		this.checkpointId = id;
		return this;
	}

	public ProblemException withErrors(List<InvalidParam> errors) {
		this.errors = List.copyOf(errors);
		return this;
	}

	public ProblemException withReasons(List<String> reasons) {
		this.reasons = List.copyOf(reasons);
		return this;
	}

	public ProblemException withEtag(String etag) {
		this.etag = etag;
		return this;
	}

	public ProblemException withLease(LeaseRef lease) {
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
