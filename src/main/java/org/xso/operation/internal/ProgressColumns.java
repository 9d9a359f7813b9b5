package org.xso.operation.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;
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

	/**
	 * A resume's, restore's or move's backend overrides ({@code operations.backend_overrides}): NULL
	 * when there are none, as in every row written before they existed.
	 */
	@Converter
	static class Overrides implements AttributeConverter<List<BackendOverride>, String> {

		/** One override as the column keeps it. */
		private record Row(String type, int devid, @Nullable Integer backendDomid, @Nullable String bridge,
				@Nullable String target) {
		}

		private static final TypeReference<List<Row>> TYPE = new TypeReference<>() {
		};

		@Override
		public @Nullable String convertToDatabaseColumn(@Nullable List<BackendOverride> overrides) {
			if (overrides == null || overrides.isEmpty()) {
				return null;
			}
			return JSON.writeValueAsString(overrides.stream()
				.map(o -> new Row(o.id().type().name(), o.id().devid(),
						o.backendDomid() == null ? null : o.backendDomid().value(), o.bridge(), o.target()))
				.toList());
		}

		@Override
		public List<BackendOverride> convertToEntityAttribute(@Nullable String json) {
			if (json == null) {
				return List.of();
			}
			return JSON.readValue(json, TYPE)
				.stream()
				.map(r -> new BackendOverride(new DeviceId(DeviceType.parse(r.type()), r.devid()),
						r.backendDomid() == null ? null : DomId.of(r.backendDomid()), r.bridge(), r.target()))
				.toList();
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
