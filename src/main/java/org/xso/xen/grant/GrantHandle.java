package org.xso.xen.grant;

import java.util.Objects;

import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;

/**
 * What {@code GNTTABOP_map_grant_ref} hands back: the handle to unmap with, and what it maps.
 * Handle values are never reused, so a stale handle is always {@code GNTST_bad_handle}.
 *
 * @param value the handle number, positive
 * @param mapper the domain that mapped the grant
 * @param granter the domain whose table holds the grant
 * @param ref the grant ref in the granter's table
 * @param frame the mapped frame
 * @param readonly whether the mapping is read-only
 */
public record GrantHandle(int value, DomId mapper, DomId granter, GrantRef ref, Mfn frame, boolean readonly) {

	public GrantHandle {
		if (value <= 0) {
			throw new IllegalArgumentException("grant handle must be positive: " + value);
		}
		Objects.requireNonNull(mapper, "mapper");
		Objects.requireNonNull(granter, "granter");
		Objects.requireNonNull(ref, "ref");
		Objects.requireNonNull(frame, "frame");
	}

}
