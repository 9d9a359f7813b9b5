package org.xso.support;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Base of the HTTP integration tests: the whole application on an in-memory H2 database (in
 * PostgreSQL mode, migrated by Flyway) with the {@link FakeHypervisor} as the port, and every
 * MockMvc response checked against openapi.yaml ({@link ContractValidation}).
 */
@SpringBootTest(properties = { "xso.hypervisor=fake", "xso.demo.enabled=false", "xso.instance-id=test-instance",
		"spring.datasource.url=jdbc:h2:mem:xso-it;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@Import({ FakeHypervisorConfiguration.class, ContractValidation.class, AdminByDefault.class, TestJwts.class })
public abstract class IntegrationTest {

	@Autowired
	protected MockMvc mvc;

	@Autowired
	protected FakeHypervisor hypervisor;

	@Autowired
	protected JdbcTemplate jdbc;

	@Autowired
	protected TestClock clock;

	@Autowired
	protected JsonMapper json;

	@BeforeEach
	void cleanSlate() {
		Database.awaitQuiet(jdbc);
		hypervisor.reset();
		Database.clear(jdbc);
	}

	protected JsonNode body(MvcResult result) throws Exception {
		return json.readTree(result.getResponse().getContentAsString());
	}

	protected JsonNode createDomain(int domid) throws Exception {
		MvcResult r = mvc.perform(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.json(domid)))
			.andReturn();
		if (r.getResponse().getStatus() != 201) {
			throw new AssertionError("create failed: " + r.getResponse().getContentAsString());
		}
		return body(r);
	}

	protected JsonNode awaitOperation(String id, String... endStates) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(25)).until(() -> {
			last[0] = body(mvc.perform(get("/api/v1/operations/" + id)).andReturn());
			String state = last[0].get("state").asString();
			for (String s : endStates) {
				if (s.equals(state)) {
					return true;
				}
			}
			return false;
		});
		return last[0];
	}

	/** Performs the request and returns the response body, asserting the status. */
	protected JsonNode call(org.springframework.test.web.servlet.RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		org.assertj.core.api.Assertions.assertThat(r.getResponse().getStatus())
			.as("%s -> %s", r.getRequest().getRequestURI(), r.getResponse().getContentAsString())
			.isEqualTo(status);
		String content = r.getResponse().getContentAsString();
		return content.isEmpty() ? json.nullNode() : json.readTree(content);
	}

	/** Performs the request and returns the problem detail, asserting status, media type and code. */
	protected JsonNode problem(org.springframework.test.web.servlet.RequestBuilder request, int status, String code)
			throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		org.assertj.core.api.Assertions.assertThat(r.getResponse().getStatus())
			.as("%s -> %s", r.getRequest().getRequestURI(), r.getResponse().getContentAsString())
			.isEqualTo(status);
		org.assertj.core.api.Assertions.assertThat(r.getResponse().getContentType())
			.startsWith("application/problem+json");
		JsonNode p = json.readTree(r.getResponse().getContentAsString());
		org.assertj.core.api.Assertions.assertThat(p.get("code").asString()).isEqualTo(code);
		org.assertj.core.api.Assertions.assertThat(p.get("status").asInt()).isEqualTo(status);
		return p;
	}

	protected static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder postJson(String path,
			String body) {
		return post(path).contentType(MediaType.APPLICATION_JSON).content(body);
	}

	/** Suspends a domain and waits for the operation to end; returns the operation. */
	protected JsonNode suspend(int domid, String body) throws Exception {
		JsonNode accepted = call(postJson("/api/v1/domains/" + domid + "/suspend", body), 202);
		return awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED");
	}

	protected JsonNode resume(int domid) throws Exception {
		JsonNode accepted = call(post("/api/v1/domains/" + domid + "/resume"), 202);
		return awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "RESUME_FAILED", "CANCELLED");
	}

	protected static String id(JsonNode node) {
		return node.get("id").asString();
	}

	protected static UUID uuid(JsonNode node, String field) {
		return UUID.fromString(node.get(field).asString());
	}

}
