package org.xso.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.xso.support.IntegrationTest;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Each operation family done for real by the smallest role that may do it, with an API token and
 * with a JWT, and refused to the role below; and the forged browser requests of a page on another
 * site, refused before anything happens.
 */
class SecurityFlowsTests extends IntegrationTest {

	private static final String SUSPEND = "{\"strategy\":\"SHADOW_REPLAY\"}";

	@BeforeEach
	void aGuest() throws Exception {
		createDomain(1);
	}

	private static RequestPostProcessor as(String credential, Role role) {
		return TestTokens.asRole(role, credential.equals("jwt"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "api token", "jwt" })
	void aViewerReadsEverythingAndChangesNothing(String credential) throws Exception {
		RequestPostProcessor viewer = as(credential, Role.VIEWER);
		assertThat(call(get("/api/v1/domains").with(viewer), 200).get("items")).hasSize(1);
		call(get("/api/v1/domains/1/devices").with(viewer), 200);
		call(get("/api/v1/operations").with(viewer), 200);
		assertThat(mvc.perform(get("/api/v1/events?lastEventId=0&follow=false").with(viewer)).andReturn()
			.getResponse().getStatus()).isEqualTo(200);
		call(get("/api/v1/xenstore?path=/local/domain/1").with(viewer), 200);
		problem(postJson("/api/v1/domains/1/suspend", SUSPEND).with(viewer), 403, "FORBIDDEN");
		assertThat(jdbc.queryForObject("select count(*) from operations", Long.class)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "api token", "jwt" })
	void anOperatorSuspendsResumesCheckpointsAndCancelsButCannotDeleteOrCreate(String credential) throws Exception {
		RequestPostProcessor operator = as(credential, Role.OPERATOR);
		JsonNode suspended = awaitOperation(id(call(postJson("/api/v1/domains/1/suspend", SUSPEND).with(operator), 202)),
				"SUCCEEDED", "FAILED");
		assertThat(suspended.get("state").asString()).isEqualTo("SUCCEEDED");
		// the audit trail names the caller: an API token by its name, a JWT by its subject
		assertThat(suspended.get("requestedBy").asString())
			.isEqualTo(credential.equals("jwt") ? "jwt-operator" : "token:test-operator");
		JsonNode resumed = awaitOperation(id(call(post("/api/v1/domains/1/resume").with(operator), 202)), "SUCCEEDED",
				"FAILED");
		assertThat(resumed.get("state").asString()).isEqualTo("SUCCEEDED");
		JsonNode live = awaitOperation(
				id(call(postJson("/api/v1/domains/1/checkpoints", SUSPEND).with(operator), 202)), "SUCCEEDED", "FAILED");
		assertThat(live.get("state").asString()).isEqualTo("SUCCEEDED");
		String checkpoint = live.get("checkpointId").asString();

		JsonNode periodic = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":500}").with(operator), 202);
		call(post("/api/v1/operations/" + id(periodic) + "/cancel").with(operator), 202);
		awaitOperation(id(periodic), "CANCELLED", "SUCCEEDED");

		problem(delete("/api/v1/checkpoints/" + checkpoint).with(operator), 403, "FORBIDDEN");
		problem(delete("/api/v1/domains/1").with(operator), 403, "FORBIDDEN");
		problem(postJson("/api/v1/domains", org.xso.support.Guests.json(2)).with(operator), 403, "FORBIDDEN");
		call(get("/api/v1/checkpoints/" + checkpoint).with(operator), 200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "api token", "jwt" })
	void anAdminChangesWhatExists(String credential) throws Exception {
		RequestPostProcessor admin = as(credential, Role.ADMIN);
		call(postJson("/api/v1/domains", org.xso.support.Guests.json(2)).with(admin), 201);
		String etag = mvc.perform(get("/api/v1/domains/2").with(admin)).andReturn().getResponse().getHeader("ETag");
		call(patch("/api/v1/domains/2").with(admin)
			.contentType("application/merge-patch+json")
			.header("If-Match", etag)
			.content("{\"checkpointRetention\":3}"), 200);
		JsonNode live = awaitOperation(
				id(call(postJson("/api/v1/domains/2/checkpoints", SUSPEND).with(admin), 202)), "SUCCEEDED", "FAILED");
		call(delete("/api/v1/checkpoints/" + live.get("checkpointId").asString()).with(admin), 204);
		call(delete("/api/v1/domains/2").with(admin), 204);
	}

	@Test
	void aJwtRoleComesFromTheRolesClaimAndAJwtWithoutOneMayDoNothing() throws Exception {
		call(get("/api/v1/domains").with(TestTokens.bearer(TestJwts.jwt("carol", List.of("viewer").toArray(String[]::new)))), 200);
		problem(get("/api/v1/domains").with(TestTokens.bearer(TestJwts.jwt("dave", Map.of()))), 403, "FORBIDDEN");
		problem(get("/api/v1/domains").with(TestTokens.bearer(TestJwts.jwt("erin", "superuser"))), 403, "FORBIDDEN");
	}

	@Test
	void aJwtCannotPassForTheServiceOrForAnApiToken() throws Exception {
		for (String name : new String[] { "system", "anonymous", "token:test-admin", " " }) {
			problem(get("/api/v1/domains").with(TestTokens.bearer(TestJwts.jwt(name, "admin"))), 401, "UNAUTHENTICATED");
		}
	}

	@Test
	void aPageOnAnotherSiteCannotResumeAGuest() throws Exception {
		// the request: POST /domains/1/resume, no body, from another origin
		problem(post("/api/v1/domains/1/resume").header("Origin", "http://evil.example").with(TestTokens.none()), 403,
				"CROSS_ORIGIN_REFUSED");
		// even with a credential (a browser extension, a token pasted into the page)
		problem(post("/api/v1/domains/1/resume").header("Origin", "http://evil.example"), 403, "CROSS_ORIGIN_REFUSED");
		assertThat(jdbc.queryForObject("select count(*) from operations", Long.class)).isZero();
		// the service's own origin (a console it serves) is not another site
		call(postJson("/api/v1/domains/1/suspend", SUSPEND).header("Origin", "http://localhost"), 202);
	}

	@Test
	void aFormCannotCancelAnOperation() throws Exception {
		JsonNode periodic = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":500}"), 202);
		String cancel = "/api/v1/operations/" + id(periodic) + "/cancel";
		// the request: a form-encoded POST, which a browser sends across sites without asking
		problem(post(cancel).contentType(MediaType.APPLICATION_FORM_URLENCODED).content("x=1").with(TestTokens.none()),
				401, "UNAUTHENTICATED");
		problem(post(cancel).contentType(MediaType.APPLICATION_FORM_URLENCODED).content("x=1"), 415,
				"UNSUPPORTED_MEDIA_TYPE");
		problem(post(cancel).contentType(MediaType.MULTIPART_FORM_DATA).content("--b--"), 415, "UNSUPPORTED_MEDIA_TYPE");
		problem(post(cancel).contentType(MediaType.TEXT_PLAIN).content("x"), 415, "UNSUPPORTED_MEDIA_TYPE");
		assertThat(call(get("/api/v1/operations/" + id(periodic)), 200).get("state").asString())
			.isNotEqualTo("CANCELLED");
		call(post(cancel), 202);
	}

	@Test
	void aCredentialIsNeverEchoedNorTakenFromTheUrl() throws Exception {
		String token = TestTokens.ADMIN;
		problem(get("/api/v1/domains?access_token=" + token).with(TestTokens.none()), 401, "UNAUTHENTICATED");
		JsonNode refused = problem(get("/api/v1/domains").with(TestTokens.bearer(token + "x")), 401, "UNAUTHENTICATED");
		assertThat(refused.toString()).doesNotContain(token);
		problem(get("/api/v1/domains").header("Authorization", "Basic YWRtaW46YWRtaW4=").with(request -> request),
				401, "UNAUTHENTICATED");
	}

}
