package org.xso.operation.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operation's progress in its own row: its phases ({@code operations.phases}) and its per-device
 * outcome ({@code operations.devices}) as JSON arrays. Both are small, always read with the
 * operation and written when it moves on, so one row keeps them: a phase boundary updates one row
 * instead of a row per phase, and reading an operation is one row, not three joined tables. The
 * lists are values: an operation replaces a list to change it, never mutates it.
 */
final class ProgressColumns {

	/**
	 * The format of the operation module's JSON columns (progress and outcome), its own and not the
	 * API's: unknown members are ignored, so a row an earlier release wrote still reads.
	 */
	static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	private ProgressColumns() {
	}

	@Converter
	static class Phases implements AttributeConverter<List<PhaseRecord>, String> {

		private static final TypeReference<List<PhaseRecord>> TYPE = new TypeReference<>() {
		};

		@Override
		public String convertToDatabaseColumn(@Nullable List<PhaseRecord> phases) {
			return JSON.writeValueAsString(phases == null ? List.of() : phases);
		}

		@Override
		public List<PhaseRecord> convertToEntityAttribute(@Nullable String json) {
			return json == null ? List.of() : List.copyOf(JSON.readValue(json, TYPE));
		}

	}

	@Converter
	static class Devices implements AttributeConverter<List<DeviceOutcome>, String> {

		private static final TypeReference<List<DeviceOutcome>> TYPE = new TypeReference<>() {
		};

		@Override
		public String convertToDatabaseColumn(@Nullable List<DeviceOutcome> devices) {
			return JSON.writeValueAsString(devices == null ? List.of() : devices);
		}

		@Override
		public List<DeviceOutcome> convertToEntityAttribute(@Nullable String json) {
			return json == null ? List.of() : List.copyOf(JSON.readValue(json, TYPE));
		}

	}

}
