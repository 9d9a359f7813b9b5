/**
 * Operations: suspend, resume, live checkpoint, restore into a new domain and periodic
 * checkpointing, each a persisted state machine run asynchronously on a bounded executor, phase by
 * phase, with a compensation for every phase, a caller's deadline, cancellation where the phase
 * allows it, idempotency keys, one running operation per domain (the domain's lease), and recovery
 * of whatever a stopped instance left running.
 *
 * <p>
 * Depends on {@code domain}, {@code checkpoint}, the hypervisor port and {@code web}.
 */
@NullMarked
package org.xso.operation;

import org.jspecify.annotations.NullMarked;
