package org.xso;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

class SmokeTests extends IntegrationTest {

	@Test
	void suspendsAndResumes() throws Exception {
		createDomain(1);
		var r = mvc.perform(post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY)).andReturn();
		System.out.println(r.getResponse().getStatus() + " " + r.getResponse().getContentAsString());
		JsonNode op = awaitOperation(id(body(r)), "SUCCEEDED", "FAILED", "ROLLED_BACK");
		System.out.println(op);
		System.out.println(mvc.perform(get("/api/v1/domains/1")).andReturn().getResponse().getContentAsString());
		var r2 = mvc.perform(post("/api/v1/domains/1/resume")).andReturn();
		System.out.println(r2.getResponse().getStatus() + " " + r2.getResponse().getContentAsString());
		JsonNode op2 = awaitOperation(id(body(r2)), "SUCCEEDED", "RESUME_FAILED");
		System.out.println(op2);
		assertThat(op2.get("state").asString()).isEqualTo("SUCCEEDED");
	}

}
