package org.xso.operation.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;
import org.xso.audit.Principals;

/**
 * Who asked: the principal whose request started the operation, recorded when it is accepted and
 * never changed (workers, and recovery on another instance, read it from the operation's row), and
 * the first principal that asked to cancel it.
 */
@Embeddable
record Requesters(@Column(name = "requested_by", nullable = false, length = Principals.MAX_LENGTH) String requestedBy,
		@Column(name = "cancel_requested_by", length = Principals.MAX_LENGTH) @Nullable String cancelRequestedBy) {

	static final Requesters NONE = new Requesters(Principals.SYSTEM, null);

	Requesters {
		Principals.require(requestedBy);
		if (cancelRequestedBy != null) {
			Principals.require(cancelRequestedBy);
		}
	}

	static Requesters of(String requestedBy) {
		return new Requesters(requestedBy, null);
	}

	/** As now, with {@code by} as the one that asked to cancel unless someone already did. */
	Requesters cancelledBy(String by) {
		return cancelRequestedBy != null ? this : new Requesters(requestedBy, by);
	}

	/** As now, with no cancel asked for (a requeued operation runs again from its start). */
	Requesters withoutCancel() {
		return new Requesters(requestedBy, null);
	}

}
