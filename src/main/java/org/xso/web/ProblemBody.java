package org.xso.web;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.problem.LeaseRef;

/**
 * An RFC 9457 problem detail with this service's extension members. It is both the body of an
 * error response and the {@code error} of a failed operation (the domain's {@link org.xso.problem.Problem}
 * rendered by {@link ProblemJson}), so clients parse one shape.
 */
public record ProblemBody(URI type, String title, int status, @Nullable String detail, @Nullable String instance,
		ProblemType code, @Nullable UUID operationId, @Nullable UUID checkpointId, @Nullable List<InvalidParam> errors,
		@Nullable List<String> reasons, @Nullable String etag, @Nullable LeaseRef lease) {

	public static ProblemBody of(ProblemType code, @Nullable String detail, @Nullable String instance) {
		return new ProblemBody(code.type(), code.title(), code.status().value(), detail, instance, code, null, null,
				null, null, null, null);
	}

	public ProblemBody withInstance(@Nullable String instance) {
		return new ProblemBody(type, title, status, detail, instance, code, operationId, checkpointId, errors, reasons,
				etag, lease);
	}

}
