/**
 * How operations run: the persisted operation and its journal (one transaction per boundary that
 * recovery needs), the submitter (idempotency, lease, the accepting transaction), the bounded
 * executor and its workers, the flows (suspend, live checkpoint, resume and restore, periodic
 * checkpointing) with their compensations, recovery of what a stopped instance left, cancellation,
 * long polling and pruning. Reached only through the API in {@code org.xso.operation}.
 */
@NullMarked
package org.xso.operation.internal;

import org.jspecify.annotations.NullMarked;
