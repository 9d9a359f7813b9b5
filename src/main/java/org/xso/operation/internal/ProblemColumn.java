package org.xso.operation.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;
import org.xso.problem.Problem;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores an operation's outcome problem as JSON in {@code operations.error_problem}, with a mapper
 * of its own: the column's format is the operation module's, not the HTTP API's (whose mapper
 * renders a problem as an RFC 9457 document). Rows written before the domain had its own problem
 * type hold that rendered document; its extra members (type, title, status, instance) are ignored
 * when such a row is read, so they read as the same problem.
 */
@Converter
class ProblemColumn implements AttributeConverter<Problem, String> {

	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_EMPTY))
		.build();

	@Override
	public @Nullable String convertToDatabaseColumn(@Nullable Problem problem) {
		return problem == null ? null : JSON.writeValueAsString(problem);
	}

	@Override
	public @Nullable Problem convertToEntityAttribute(@Nullable String json) {
		return json == null ? null : JSON.readValue(json, Problem.class);
	}

}
