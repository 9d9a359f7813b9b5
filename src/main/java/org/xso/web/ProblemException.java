package org.xso.web;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

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

	public ProblemBody toBody(@Nullable String instance) {
		return new ProblemBody(code.type(), code.title(), code.status().value(), getMessage(), instance, code,
				operationId, checkpointId, errors, reasons, etag, lease);
	}

}
