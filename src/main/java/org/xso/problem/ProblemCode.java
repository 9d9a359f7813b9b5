package org.xso.problem;

/**
 * The domain's problem catalogue: why a command was refused or an operation did not succeed. A
 * client branches on the code (the web layer publishes each under the same name, with its status);
 * the detail sentence is for people. Codes marked "operation" are recorded as a finished
 * operation's outcome rather than refusing a request.
 */
public enum ProblemCode {

	/** A field of a command is missing, of the wrong kind or out of range; {@link Problem#errors()} names it. */
	VALIDATION_FAILED,
	DOMAIN_NOT_FOUND,
	DEVICE_NOT_FOUND,
	CHECKPOINT_NOT_FOUND,
	OPERATION_NOT_FOUND,
	HOST_NOT_FOUND,
	/** The host that runs the domain's operations is down or stopped; the detail names it. */
	HOST_UNAVAILABLE,
	/** The change is made by the instance serving the domain's host; the detail names the host. */
	DOMAIN_ON_OTHER_HOST,
	/** The checkpoint's storage is held by another host: its instance exports it. */
	CHECKPOINT_ON_OTHER_HOST,
	/** A move to the host the domain is on. */
	ALREADY_ON_HOST,
	/** A move to a host that does not reach the guest's storage (the hosts' storage ids differ). */
	STORAGE_NOT_SHARED,
	BACKEND_NOT_ON_HOST,
	/** An archive cannot be imported here; {@link Problem#reasons()} says why. Nothing was stored. */
	CHECKPOINT_NOT_IMPORTABLE,
	/** An archive larger than this service takes. */
	ARCHIVE_TOO_LARGE,
	/** Another operation holds the domain's lease; {@link Problem#lease()} names it. */
	DOMAIN_BUSY,
	/** The domain is not in a power state that allows the command (e.g. resume of a running guest). */
	BAD_POWER_STATE,
	DOMAIN_EXISTS,
	DEVICE_EXISTS,
	/**
	 * The guest cannot be suspended now (it does not run, a device is not connected, a backend does
	 * not answer); {@link Problem#reasons()} names each. Found before anything was done to it.
	 */
	GUEST_NOT_SUSPENDABLE,
	/** A device did not drain or stop in time (operation). */
	DEVICE_NOT_QUIESCED,
	CHECKPOINT_IN_USE,
	NO_CHECKPOINT,
	OPERATION_NOT_CANCELLABLE,
	OPERATION_FINISHED,
	CONCURRENT_MODIFICATION,
	/** The command was based on a version that is no longer current; {@link Problem#etag()} is the current tag. */
	PRECONDITION_FAILED,
	/** The same idempotency key was used with a different command. */
	IDEMPOTENCY_KEY_REUSED,
	/** A checksum of the checkpoint did not verify; {@link Problem#reasons()} names the parts. Nothing changed. */
	CHECKPOINT_INTEGRITY_FAILED,
	CHECKPOINT_FORMAT_UNSUPPORTED,
	/** The hypervisor cannot resume the checkpoint here; {@link Problem#reasons()} says why. */
	CHECKPOINT_NOT_RESUMABLE,
	CHECKPOINT_DOMAIN_MISMATCH,
	INVALID_CONFIG,
	NOT_SUPPORTED,
	/** Workload and fault controls exist only with the simulator adapter. */
	SIMULATOR_NOT_AVAILABLE,
	/** The operation queue is full; retry later. */
	SERVICE_OVERLOADED,
	HOST_OUT_OF_MEMORY,
	HYPERVISOR_UNAVAILABLE,
	BACKEND_TIMEOUT,
	BACKEND_UNAVAILABLE,
	HYPERVISOR_ERROR,
	/** Operation: the quiesce deadline passed before every device drained. */
	QUIESCE_TIMEOUT,
	/** Operation: the caller's deadline passed; the operation was compensated. */
	DEADLINE_EXCEEDED,
	/** Operation: the service stopped while the operation ran; recovery decided its end. */
	OPERATION_INTERRUPTED,
	/** Operation: a compensation step failed too; the domain is FAULTED and needs attention. */
	COMPENSATION_FAILED,
	/** Operation: the operation was cancelled at the caller's request. */
	CANCELLED,
	/** A bug: never expected. */
	INTERNAL_ERROR

}
