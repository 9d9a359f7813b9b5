/**
 * Domains and their devices: the persisted record of each guest (configuration, state, retention,
 * the checkpoint a suspended guest resumes from), its live view from the hypervisor (both ends'
 * XenbusState, ring refs, event channels, features, counters), the per-domain lease that makes one
 * operation run at a time, startup reconciliation with the hypervisor, and the demo guests.
 *
 * <p>
 * Depends on the hypervisor port, {@code checkpoint} (storage figures, deleting a domain's
 * checkpoints) and {@code web}.
 */
@NullMarked
package org.xso.domain;

import org.jspecify.annotations.NullMarked;
