package org.xso.domain;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

class DeviceApiTests extends IntegrationTest {

	private static final String SECOND_DISK = """
			{"type":"vbd","devid":51728,"sectors":2048,"features":
			 {"persistent":false,"maxIndirectSegments":0,"flushCache":true,"discard":false,"maxRingPageOrder":0}}""";

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void showsEachDeviceWithBothEndsAndItsRings() throws Exception {
		JsonNode vif = call(get("/api/v1/domains/1/devices/vif/0"), 200);
		assertThat(vif.get("connected").asBoolean()).isTrue();
		assertThat(vif.get("config").get("mac").asString()).isEqualTo("00:16:3e:00:00:01");
		assertThat(vif.get("ringRefs").size()).isEqualTo(2);
		JsonNode list = call(get("/api/v1/domains/1/devices?size=1"), 200);
		assertThat(list.get("totalItems").asLong()).isEqualTo(2);
		assertThat(list.get("items").size()).isEqualTo(1);
	}

	@Test
	void reportsTheCounters() throws Exception {
		JsonNode c = call(get("/api/v1/domains/1/devices/vbd/51712/stats"), 200);
		assertThat(c.get("duplicated").asLong()).isZero();
		assertThat(c.get("lost").asLong()).isZero();
	}

	@Test
	void hotPlugsAndDetachesADevice() throws Exception {
		MvcResult r = mvc.perform(postJson("/api/v1/domains/1/devices", SECOND_DISK)).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(201);
		assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/domains/1/devices/vbd/51728");
		assertThat(body(r).get("config").get("features").get("persistent").asBoolean()).isFalse();
		assertThat(call(get("/api/v1/domains/1"), 200).get("devices").size()).isEqualTo(3);
		problem(postJson("/api/v1/domains/1/devices", SECOND_DISK), 409, "DEVICE_EXISTS");
		call(delete("/api/v1/domains/1/devices/vbd/51728"), 204);
		assertThat(call(get("/api/v1/domains/1"), 200).get("devices").size()).isEqualTo(2);
		problem(get("/api/v1/domains/1/devices/vbd/51728"), 404, "DEVICE_NOT_FOUND");
	}

	@Test
	void hotPlugChangesTheDomainsETag() throws Exception {
		call(postJson("/api/v1/domains/1/devices", SECOND_DISK).header("If-Match", "\"0\""), 201);
		problem(delete("/api/v1/domains/1/devices/vbd/51728").header("If-Match", "\"0\""), 412, "PRECONDITION_FAILED");
	}

	@Test
	void refusesDeviceChangesOfASuspendedDomain() throws Exception {
		suspend(1, Guests.SHADOW_REPLAY);
		problem(postJson("/api/v1/domains/1/devices", SECOND_DISK), 409, "BAD_POWER_STATE");
		problem(get("/api/v1/domains/1/devices/vbd/51712/stats"), 409, "BAD_POWER_STATE");
		JsonNode vbd = call(get("/api/v1/domains/1/devices/vbd/51712"), 200);
		assertThat(vbd.get("connected").asBoolean()).isFalse();
	}

}
