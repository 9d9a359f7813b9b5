package org.xso.xen.grant;

import org.xso.xen.DomId;

/** No free grant reference is left in a domain's table (Linux: {@code -ENOSPC}). */
public final class GrantTableFullException extends RuntimeException {

	GrantTableFullException(DomId owner, int entries) {
		super("grant table of dom " + owner + " is full: all " + entries + " entries in use");
	}

}
