package org.xso.web;

import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.xso.problem.ProblemCode;

/**
 * The stable error catalogue of the HTTP API: every domain {@link ProblemCode} under the same name,
 * and the problems only HTTP knows (a body that is not JSON, a missing token, a method not allowed),
 * each with its status and title. Every code is listed in {@code openapi.yaml}; a client branches on
 * {@code code}, never on {@code title} or {@code detail}. Codes marked "operation" appear in an
 * operation's {@code error} rather than as an HTTP response.
 */
public enum ProblemType {

	/** A parameter, header or body field is missing, of the wrong type, out of range or unknown. */
	VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
	/** The body is not parseable JSON. */
	MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The request body is not well-formed JSON"),
	/**
	 * The request was rejected before it reached the API: a request line, path or header the server
	 * cannot parse (bad percent-encoding, an encoded NUL or slash, a header or URL too large).
	 */
	MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "The request is not a well-formed HTTP request"),
	/**
	 * The request carries no credentials, or a bearer token that is not valid (unknown, revoked,
	 * expired, badly signed). The response has a {@code WWW-Authenticate: Bearer} header.
	 */
	UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "Authentication is required"),
	/** The caller is authenticated, but its role does not allow this request. */
	FORBIDDEN(HttpStatus.FORBIDDEN, "The caller's role does not allow this request"),
	/**
	 * A browser sent the request from another origin, and that origin is not one the service is
	 * configured to accept ({@code xso.security.cors.allowed-origins}).
	 */
	CROSS_ORIGIN_REFUSED(HttpStatus.FORBIDDEN, "Requests from this origin are not accepted"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
	DOMAIN_NOT_FOUND(HttpStatus.NOT_FOUND, "No such domain"),
	DEVICE_NOT_FOUND(HttpStatus.NOT_FOUND, "No such device"),
	CHECKPOINT_NOT_FOUND(HttpStatus.NOT_FOUND, "No such checkpoint"),
	OPERATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such operation"),
	HOST_NOT_FOUND(HttpStatus.NOT_FOUND, "Host not found"),
	/** The host that runs the domain's operations is down or stopped; the detail names it. */
	HOST_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The domain's host is not available"),
	/** A synchronous change of a guest is made by the instance serving its host; the detail names it. */
	DOMAIN_ON_OTHER_HOST(HttpStatus.CONFLICT, "The domain runs on another host"),
	CHECKPOINT_ON_OTHER_HOST(HttpStatus.CONFLICT, "The checkpoint is held by another host"),
	ALREADY_ON_HOST(HttpStatus.CONFLICT, "The domain is already on that host"),
	STORAGE_NOT_SHARED(HttpStatus.CONFLICT, "The host does not reach the guest's storage"),
	/** A device's backend domain or bridge is not on the host that would bring the guest back. */
	BACKEND_NOT_ON_HOST(HttpStatus.UNPROCESSABLE_CONTENT, "The host does not have the device's backend"),
	/** Found before anything was done to the guest; {@code reasons} names each device. */
	GUEST_NOT_SUSPENDABLE(HttpStatus.CONFLICT, "The guest cannot be suspended now"),
	/** An archive cannot be imported here; {@code reasons} says why. Nothing was stored. */
	CHECKPOINT_NOT_IMPORTABLE(HttpStatus.UNPROCESSABLE_CONTENT, "The archive cannot be imported here"),
	ARCHIVE_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The archive is too large"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed on this resource"),
	NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "No acceptable representation"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported request media type"),
	/** Another operation holds the domain's lease; {@code operationId} names it. */
	DOMAIN_BUSY(HttpStatus.CONFLICT, "The domain is busy with another operation"),
	/** The domain is not in a power state that allows the request (e.g. resume of a running guest). */
	BAD_POWER_STATE(HttpStatus.CONFLICT, "The domain's power state does not allow this"),
	DOMAIN_EXISTS(HttpStatus.CONFLICT, "A domain with this id exists"),
	DEVICE_EXISTS(HttpStatus.CONFLICT, "The device exists"),
	/** A device did not drain or stop in time (operation). */
	DEVICE_NOT_QUIESCED(HttpStatus.CONFLICT, "A device could not be quiesced"),
	CHECKPOINT_IN_USE(HttpStatus.CONFLICT, "The checkpoint is needed to resume a suspended domain"),
	NO_CHECKPOINT(HttpStatus.CONFLICT, "The domain has no checkpoint to resume from"),
	OPERATION_NOT_CANCELLABLE(HttpStatus.CONFLICT, "The operation's current phase cannot be cancelled"),
	OPERATION_FINISHED(HttpStatus.CONFLICT, "The operation has already finished"),
	CONCURRENT_MODIFICATION(HttpStatus.CONFLICT, "The resource was changed concurrently; retry"),
	/** If-Match did not match the current ETag; {@code etag} carries the current one. */
	PRECONDITION_FAILED(HttpStatus.PRECONDITION_FAILED, "The resource has changed (stale If-Match)"),
	/** The same Idempotency-Key was used with a different request. */
	IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "The Idempotency-Key was used for a different request"),
	/** A checksum of the checkpoint did not verify; {@code errors} names the parts. Nothing changed. */
	CHECKPOINT_INTEGRITY_FAILED(HttpStatus.UNPROCESSABLE_CONTENT, "The checkpoint failed its integrity check"),
	CHECKPOINT_FORMAT_UNSUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "The checkpoint's format version is not supported"),
	/** The hypervisor cannot resume the checkpoint here; {@code reasons} says why. */
	CHECKPOINT_NOT_RESUMABLE(HttpStatus.UNPROCESSABLE_CONTENT, "The checkpoint cannot be resumed on this host"),
	CHECKPOINT_DOMAIN_MISMATCH(HttpStatus.UNPROCESSABLE_CONTENT, "The checkpoint belongs to another domain"),
	INVALID_CONFIG(HttpStatus.UNPROCESSABLE_CONTENT, "The hypervisor rejected the configuration"),
	NOT_SUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "The hypervisor adapter does not support this"),
	/**
	 * Workload and fault controls exist only with the simulator adapter. This is a client mistake
	 * against the configured service, not a transient fault, hence 422 and not 503.
	 */
	SIMULATOR_NOT_AVAILABLE(HttpStatus.UNPROCESSABLE_CONTENT, "The hypervisor adapter has no simulator controls"),
	/** The per-operation queue is full; retry later. */
	SERVICE_OVERLOADED(HttpStatus.SERVICE_UNAVAILABLE, "Too many operations are queued"),
	HOST_OUT_OF_MEMORY(HttpStatus.SERVICE_UNAVAILABLE, "The host has not enough free memory"),
	HYPERVISOR_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The hypervisor is not reachable"),
	BACKEND_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "A device backend did not answer in time"),
	BACKEND_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "A device backend is not available"),
	HYPERVISOR_ERROR(HttpStatus.BAD_GATEWAY, "The hypervisor failed"),
	/** Operation: the quiesce deadline passed before every device drained. */
	QUIESCE_TIMEOUT(HttpStatus.CONFLICT, "The guest did not quiesce before the deadline"),
	/** Operation: the caller's deadline passed; the operation was compensated. */
	DEADLINE_EXCEEDED(HttpStatus.CONFLICT, "The operation's deadline passed"),
	/** Operation: the service stopped while the operation ran; recovery decided its end. */
	OPERATION_INTERRUPTED(HttpStatus.CONFLICT, "The operation was interrupted by a service restart"),
	/** Operation: a compensation step failed too; the domain is FAULTED and needs attention. */
	COMPENSATION_FAILED(HttpStatus.CONFLICT, "The operation failed and could not be rolled back"),
	/** Operation: the operation was cancelled at the caller's request. */
	CANCELLED(HttpStatus.CONFLICT, "The operation was cancelled"),
	/** A bug: never expected. */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

	private static final Map<ProblemCode, ProblemType> OF_DOMAIN = new EnumMap<>(ProblemCode.class);

	static {
		for (ProblemCode code : ProblemCode.values()) {
			// every domain code is published under its own name: a missing one fails at class load
			OF_DOMAIN.put(code, ProblemType.valueOf(code.name()));
		}
	}

	private final HttpStatus status;

	private final String title;

	ProblemType(HttpStatus status, String title) {
		this.status = status;
		this.title = title;
	}

	/** The API's type for a domain problem code. */
	public static ProblemType of(ProblemCode code) {
		return OF_DOMAIN.get(code);
	}

	public HttpStatus status() {
		return status;
	}

	public String title() {
		return title;
	}

	/** {@code urn:xso:problem:domain-busy}: a stable, documented problem type. */
	public URI type() {
		return URI.create("urn:xso:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

}
