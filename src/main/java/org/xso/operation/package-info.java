/**
 * Operations: suspend, resume, live checkpoint, restore into a new domain and periodic
 * checkpointing, each a persisted state machine run asynchronously on a bounded executor, phase by
 * phase, with a compensation for every phase, a caller's deadline, cancellation where the phase
 * allows it, idempotency keys, one running operation per domain (the domain's lease), and recovery
 * of whatever a stopped instance left running.
 *
 * <p>
 * This package is the module's API: {@link org.xso.operation.Operations} (start, cancel),
 * {@link org.xso.operation.OperationQueries} (read, wait for the end, check a resume), the commands,
 * views and states they speak, and {@link org.xso.operation.OperationChanged}, the event every
 * transition publishes. {@code operation.internal} is how: the journal, the flows, the executor,
 * recovery and pruning; nothing outside the module reaches it. What an operation does to a guest
 * it publishes as {@link org.xso.events.OperationEvents}, and the domain and checkpoint modules
 * react.
 *
 * <p>
 * Depends on {@code domain}, {@code checkpoint}, the hypervisor port and the shared
 * {@code problem} and {@code events} vocabulary; not on {@code web}.
 */
@NullMarked
package org.xso.operation;

import org.jspecify.annotations.NullMarked;
