package org.xso.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the tests that drive a simulated guest's workload through the API check: it made progress,
 * and, stopped, it lost and duplicated nothing and its disk reads back what it wrote.
 */
public final class WorkloadChecks {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private WorkloadChecks() {
	}

	/** Waits until guest {@code domid}'s vbd has issued at least {@code atLeast} requests; returns how many. */
	public static long awaitIssued(MockMvc mvc, int domid, long atLeast) {
		long[] issued = new long[1];
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			issued[0] = stats(mvc, domid).get("issued").asLong();
			return issued[0] >= atLeast;
		});
		return issued[0];
	}

	/**
	 * Stops guest {@code domid}'s workload once it has issued {@code atLeast} requests, waits for
	 * what is in flight, and checks that every request completed exactly once and that its disk
	 * verifies.
	 */
	public static void assertNothingLost(MockMvc mvc, int domid, long atLeast) throws Exception {
		awaitIssued(mvc, domid, atLeast);
		ok(mvc.perform(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}")).andReturn());
		await().atMost(Duration.ofSeconds(60)).until(() -> stats(mvc, domid).get("inFlight").asLong() == 0);
		JsonNode vbd = stats(mvc, domid);
		assertThat(vbd.get("lost").asLong()).as(vbd.toString()).isZero();
		assertThat(vbd.get("duplicated").asLong()).as(vbd.toString()).isZero();
		assertThat(vbd.get("completed").asLong()).as(vbd.toString()).isEqualTo(vbd.get("issued").asLong());
		assertThat(ok(mvc.perform(post("/api/v1/domains/" + domid + "/workload/verify")).andReturn()).get("mismatches")
			.asLong()).isZero();
	}

	private static JsonNode stats(MockMvc mvc, int domid) throws Exception {
		return ok(mvc.perform(get("/api/v1/domains/" + domid + "/devices/vbd/51712/stats")).andReturn());
	}

	private static JsonNode ok(MvcResult r) throws Exception {
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(200);
		return JSON.readTree(r.getResponse().getContentAsString());
	}

}
