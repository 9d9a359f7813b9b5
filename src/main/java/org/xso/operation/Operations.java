package org.xso.operation;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.problem.Precondition;

/**
 * The operations a caller can start, and cancel. Each start checks its preconditions and is
 * accepted (persisted, leased) before it returns; the operation then runs on a worker. A refusal is
 * a {@link org.xso.problem.ProblemException}; {@code key} makes a repeat return the operation the
 * first call started; {@code expected} is the version of the domain (or checkpoint) the caller
 * based the request on; {@code requestedBy} is recorded as the operation's requester.
 */
public interface Operations {

	Submitted suspend(int domid, OperationRequests.QuiesceRequest r, @Nullable String key, Precondition expected,
			String requestedBy);

	Submitted checkpoint(int domid, OperationRequests.QuiesceRequest r, @Nullable String key, Precondition expected,
			String requestedBy);

	Submitted periodic(int domid, OperationRequests.PeriodicRequest r, @Nullable String key, Precondition expected,
			String requestedBy);

	Submitted resume(int domid, OperationRequests.ResumeRequest r, @Nullable String key, Precondition expected,
			String requestedBy);

	/**
	 * Moves a running domain to another host: suspended on its own, handed over, resumed on the
	 * target (which must reach its storage), as one operation.
	 */
	Submitted move(int domid, OperationRequests.MoveRequest r, @Nullable String key, Precondition expected,
			String requestedBy);

	Submitted restore(UUID checkpointId, OperationRequests.RestoreRequest r, @Nullable String key,
			Precondition expected, String requestedBy);

	/**
	 * Cancels a pending operation at once; asks a running one to stop at the end of its phase if
	 * that phase is cancellable (OPERATION_NOT_CANCELLABLE otherwise, OPERATION_FINISHED if it has
	 * ended). The operation records {@code by} as who asked to cancel it.
	 */
	OperationViews.OperationView cancel(UUID id, String by);

}
