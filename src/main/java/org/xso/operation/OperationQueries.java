package org.xso.operation;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.SuspendStrategy;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;

/** What a caller can read of operations; none of it changes anything. */
public interface OperationQueries {

	/** The operation; OPERATION_NOT_FOUND if there is none. */
	OperationViews.OperationView view(UUID id);

	/** Newest first; {@code requestedBy} is an exact match on the principal that requested them. */
	Page<OperationViews.OperationView> list(@Nullable Integer domid, @Nullable OperationKind kind,
			@Nullable OperationState state, @Nullable String requestedBy, Pageable paging);

	/** The operation once it has ended, or as it is after {@code wait}. */
	OperationViews.OperationView awaitEnd(UUID id, Duration wait);

	/** Whether the domain could be resumed here (from its suspend checkpoint or {@code checkpointId}), and if not why. */
	OperationViews.ResumeCheck resumeCheck(int domid, @Nullable UUID checkpointId);

	/** Whether the domain could be suspended (or checkpointed) now with {@code strategy}, and if not why. */
	OperationViews.SuspendCheck suspendCheck(int domid, SuspendStrategy strategy);

}
