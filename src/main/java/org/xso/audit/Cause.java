package org.xso.audit;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What a change is attributed to: the principal that asked for it and, when an operation made it,
 * that operation (whose {@code requestedBy} the principal is). A change a request made directly
 * (a domain created, a checkpoint deleted) has no operation; one the service made by itself is
 * {@link #SYSTEM}.
 */
public record Cause(String principal, @Nullable UUID operationId) {

	/** The service by itself: recovery, reconciliation, demo guests. */
	public static final Cause SYSTEM = new Cause(Principals.SYSTEM, null);

	public Cause {
		Principals.require(principal);
	}

	/** A change an HTTP request made itself, asked by {@code principal}. */
	public static Cause request(String principal) {
		return new Cause(principal, null);
	}

	/** A change operation {@code id}, requested by {@code principal}, made. */
	public static Cause operation(String principal, UUID id) {
		return new Cause(principal, id);
	}

}
