package org.xso.operation.internal;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;
import org.xso.problem.Problem;

/**
 * Stores an operation's outcome problem as JSON in {@code operations.error_problem}, with the
 * operation module's column mapper ({@link ProgressColumns#JSON}): the column's format is the
 * module's own, not the HTTP API's (whose mapper renders a problem as an RFC 9457 document). Rows
 * written before the domain had its own problem type hold that rendered document; its extra
 * members (type, title, status, instance) are ignored when such a row is read, so they read as the
 * same problem.
 */
@Converter
class ProblemColumn implements AttributeConverter<Problem, String> {

	@Override
	public @Nullable String convertToDatabaseColumn(@Nullable Problem problem) {
		return problem == null ? null : ProgressColumns.JSON.writeValueAsString(problem);
	}

	@Override
	public @Nullable Problem convertToEntityAttribute(@Nullable String json) {
		return json == null ? null : ProgressColumns.JSON.readValue(json, Problem.class);
	}

}
