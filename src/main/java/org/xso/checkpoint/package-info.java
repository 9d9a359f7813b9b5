/**
 * Checkpoints: immutable saved guests. A checkpoint is stored relationally where it is queried
 * (the checkpoint, one row per device with its xenbus states, evtchn ports, features and backend
 * info, its rings' indices and grant refs, its grant entries) and as bytes where it is opaque (each
 * device's canonical saved state, the guest config, the memory image). A manifest carries the
 * format version and a SHA-256 per part and over the whole; every read that restores verifies all
 * of them. Retention keeps the newest N per domain; pinned checkpoints (the image a suspended
 * domain resumes from) are never collected.
 *
 * <p>
 * This module knows domains only by id; it depends on the hypervisor port's value types and on
 * {@code web}.
 */
@NullMarked
package org.xso.checkpoint;

import org.jspecify.annotations.NullMarked;
