package org.xso.problem;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** The lease that makes a domain busy, as a DOMAIN_BUSY problem reports it. */
public record LeaseRef(int domid, String owner, @Nullable UUID operationId, String purpose, Instant acquiredAt,
		Instant expiresAt) {
}
