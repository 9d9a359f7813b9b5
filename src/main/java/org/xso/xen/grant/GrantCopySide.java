package org.xso.xen.grant;

import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;

/**
 * One side of a {@code GNTTABOP_copy} ({@code gnttab_copy.source} or {@code .dest}): either a
 * granted ref in another domain's table ({@code GNTCOPY_source_gref}/{@code GNTCOPY_dest_gref}) or a
 * frame of the caller's own. Exactly one of ({@code domid}, {@code ref}) and {@code frame} is set.
 *
 * @param domid the granting domain, for a granted side
 * @param ref the grant ref, for a granted side
 * @param frame the caller's frame, for a local side
 * @param offset byte offset in the page
 */
public record GrantCopySide(DomId domid, GrantRef ref, Mfn frame, int offset) {

	public GrantCopySide {
		boolean granted = domid != null && ref != null && frame == null;
		boolean local = domid == null && ref == null && frame != null;
		if (!granted && !local) {
			throw new IllegalArgumentException(
					"a copy side is either (domid, ref) or a local frame: " + domid + ", " + ref + ", " + frame);
		}
	}

	/** A page granted by {@code domid} through {@code ref}. */
	public static GrantCopySide granted(DomId domid, GrantRef ref, int offset) {
		return new GrantCopySide(domid, ref, null, offset);
	}

	/** A frame of the caller's own. */
	public static GrantCopySide local(Mfn frame, int offset) {
		return new GrantCopySide(null, null, frame, offset);
	}

	public boolean isGranted() {
		return this.ref != null;
	}

}
