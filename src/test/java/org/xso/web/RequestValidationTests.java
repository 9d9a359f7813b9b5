package org.xso.web;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/** Every client mistake is a 4xx problem detail with a catalogued code, never a 500. */
class RequestValidationTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "32752", "-1", "65535" })
	void rejectsDomidsOutsideTheGuestRange(String domid) throws Exception {
		JsonNode p = problem(get("/api/v1/domains/" + domid), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("in").asString()).isEqualTo("path");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("domid");
		problem(postJson("/api/v1/domains/" + domid + "/suspend", Guests.SHADOW_REPLAY), 400, "VALIDATION_FAILED");
	}

	@Test
	void rejectsADomidThatIsNotANumber() throws Exception {
		JsonNode p = problem(get("/api/v1/domains/abc"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("domid");
		assertThat(p.get("errors").get(0).get("message").asString()).contains("integer");
	}

	@Test
	void acceptsTheHighestGuestDomidAsAnUnknownDomain() throws Exception {
		problem(get("/api/v1/domains/32751"), 404, "DOMAIN_NOT_FOUND");
	}

	@Test
	void rejectsMalformedJson() throws Exception {
		problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\": "), 400, "MALFORMED_JSON");
		problem(postJson("/api/v1/domains", "{not json}"), 400, "MALFORMED_JSON");
	}

	@Test
	void rejectsWrongTypesWithAPointerToTheField() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend",
				"{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":\"soon\"}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/quiesceTimeoutMs");
		p = problem(postJson("/api/v1/domains", Guests.json(7).replace("\"vcpus\": 1", "\"vcpus\": \"1\"")), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/vcpus");
		p = problem(postJson("/api/v1/domains", Guests.json(7).replace("\"vcpus\": 1", "\"vcpus\": 1.5")), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/vcpus");
	}

	@Test
	void rejectsUnknownEnumValues() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\":\"HIBERNATE\"}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/strategy");
		assertThat(p.get("errors").get(0).get("message").asString()).contains("SHADOW_REPLAY");
		p = problem(postJson("/api/v1/domains", Guests.json(7).replace("\"vif\"", "\"vscsi\"")), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/devices/1/type");
		problem(get("/api/v1/domains?state=ASLEEP"), 400, "VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\": 0}"), 400, "VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\": \"shadow_replay\"}"), 400, "VALIDATION_FAILED");
	}

	@Test
	void rejectsUnknownProperties() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\":\"SHADOW_REPLAY\",\"force\":true}"),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/force");
	}

	@Test
	void rejectsAMissingStrategyAndOutOfRangeTimeouts() throws Exception {
		problem(postJson("/api/v1/domains/1/suspend", "{}"), 400, "VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\":\"SHADOW_REPLAY\",\"deadlineMs\":0}"), 400,
				"VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/suspend", "{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":-5}"),
				400, "VALIDATION_FAILED");
		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isZero();
	}

	@Test
	void rejectsInvalidDeviceConfigurations() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains", Guests.json(7).replace("00:16:3e:00:00:07", "not-a-mac")),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/devices/1");
		p = problem(postJson("/api/v1/domains/1/devices", "{\"type\":\"vif\",\"devid\":1}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/mac");
		p = problem(postJson("/api/v1/domains/1/devices", "{\"type\":\"vif\",\"devid\":1,\"mac\":\"00:16:3e:00:00:09\",\"sectors\":5}"),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/sectors");
	}

	@Test
	void answersUnknownDevicesAndDeviceTypes() throws Exception {
		problem(get("/api/v1/domains/1/devices/vbd/51728"), 404, "DEVICE_NOT_FOUND");
		problem(delete("/api/v1/domains/1/devices/vif/3"), 404, "DEVICE_NOT_FOUND");
		problem(get("/api/v1/domains/1/devices/vscsi/0"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/domains/1/devices/vbd/-1"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/domains/1/devices/vbd/x"), 400, "VALIDATION_FAILED");
	}

	@Test
	void answersUnknownAndMalformedIds() throws Exception {
		problem(get("/api/v1/operations/00000000-0000-0000-0000-000000000001"), 404, "OPERATION_NOT_FOUND");
		problem(get("/api/v1/operations/not-a-uuid"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/checkpoints/00000000-0000-0000-0000-000000000001"), 404, "CHECKPOINT_NOT_FOUND");
		problem(get("/api/v1/nothing-here"), 404, "NOT_FOUND");
	}

	@Test
	void answersWrongMethodsAndMediaTypes() throws Exception {
		problem(put("/api/v1/domains/1"), 405, "METHOD_NOT_ALLOWED");
		problem(post("/api/v1/domains/1/suspend").contentType(MediaType.TEXT_PLAIN).content("suspend"), 415,
				"UNSUPPORTED_MEDIA_TYPE");
		problem(post("/api/v1/domains/1/suspend"), 400, "VALIDATION_FAILED");
	}

	@Test
	void rejectsBadPagingAndHeaders() throws Exception {
		problem(get("/api/v1/domains?size=0"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/domains?size=201"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/domains?page=-1"), 400, "VALIDATION_FAILED");
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Idempotency-Key",
				"white space"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("in").asString()).isEqualTo("header");
		problem(get("/api/v1/events").header("Last-Event-ID", "yesterday"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/xenstore?path=relative/path"), 400, "VALIDATION_FAILED");
	}

}
