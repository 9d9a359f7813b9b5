package org.xso.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.xso.support.IntegrationTest;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Every operation of openapi.yaml, as the contract states its role ({@code x-required-role}, and
 * the same role as both security schemes' scopes), against what the service enforces: without
 * credentials 401, with the role just below 403, with the role itself neither, for an API token and
 * for a JWT. A rule added to the service and not to the contract, or the other way round, fails
 * here.
 */
class AccessControlTests extends IntegrationTest {

	private static final OpenAPI CONTRACT = new OpenAPIV3Parser().read("openapi.yaml");

	/** One operation of the contract and the role it states. */
	record ApiOperation(String path, HttpMethod method, String operationId, Role role) {

		@Override
		public String toString() {
			return method + " " + path + " (" + operationId + ", " + role.configName() + ")";
		}

	}

	static Stream<ApiOperation> operations() {
		List<ApiOperation> all = new ArrayList<>();
		CONTRACT.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
			all.add(new ApiOperation(path, HttpMethod.valueOf(method.name()), op.getOperationId(), statedRole(op)));
		}));
		return all.stream();
	}

	static Stream<Arguments> operationsAndCredentials() {
		return operations().flatMap(op -> Stream.of(Arguments.of(op, "api token"), Arguments.of(op, "jwt")));
	}

	/** The role an operation states, checked to be the same in its extension and both schemes. */
	private static Role statedRole(Operation op) {
		Object extension = op.getExtensions() == null ? null : op.getExtensions().get("x-required-role");
		assertThat(extension).as("%s has x-required-role", op.getOperationId()).isNotNull();
		Role role = Role.parse(extension.toString()).orElseThrow();
		List<SecurityRequirement> security = op.getSecurity();
		assertThat(security).as("%s states its security", op.getOperationId())
			.containsExactlyInAnyOrder(requirement("apiToken", role), requirement("jwt", role));
		return role;
	}

	private static SecurityRequirement requirement(String scheme, Role role) {
		return new SecurityRequirement().addList(scheme, role.configName());
	}

	@BeforeEach
	void aGuest() throws Exception {
		createDomain(1);
	}

	@Test
	void theContractCoversEveryRuleOfTheServiceAndNoOperationIsPublic() {
		List<ApiOperation> ops = operations().toList();
		assertThat(ops).hasSizeGreaterThanOrEqualTo(29);
		assertThat(ops).extracting(ApiOperation::role).contains(Role.VIEWER, Role.OPERATOR, Role.ADMIN);
		assertThat(CONTRACT.getSecurity()).as("the contract's default").isNotEmpty();
		assertThat(CONTRACT.getComponents().getSecuritySchemes()).containsOnlyKeys("apiToken", "jwt");
	}

	@ParameterizedTest(name = "{0} without credentials")
	@MethodSource("operations")
	void withoutCredentialsIs401(ApiOperation op) throws Exception {
		MvcResult r = mvc.perform(concrete(op).with(TestTokens.none())).andReturn();
		assertThat(r.getResponse().getStatus()).as(describe(r)).isEqualTo(401);
		assertThat(r.getResponse().getHeader("WWW-Authenticate")).isEqualTo("Bearer");
		assertThat(body(r).get("code").asString()).isEqualTo("UNAUTHENTICATED");
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("operationsAndCredentials")
	void aRoleTooSmallIs403AndTheStatedRoleIsLetThrough(ApiOperation op, String credential) throws Exception {
		RequestPostProcessor below = below(op.role(), credential);
		MvcResult refused = mvc.perform(concrete(op).with(below)).andReturn();
		assertThat(refused.getResponse().getStatus()).as(describe(refused)).isEqualTo(403);
		assertThat(body(refused).get("code").asString()).isEqualTo("FORBIDDEN");
		assertThat(body(refused).get("detail").asString()).contains("needs the " + op.role().configName() + " role");

		MvcResult allowed = mvc.perform(concrete(op).with(exactly(op.role(), credential))).andReturn();
		assertThat(allowed.getResponse().getStatus()).as(describe(allowed)).isNotIn(401, 403);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("operations")
	void anInvalidTokenIs401WithInvalidToken(ApiOperation op) throws Exception {
		for (String token : List.of("xso_not-a-token-of-this-service-000000000", TestJwts.expired("alice", "admin"),
				TestJwts.signedByAStranger("mallory", "admin"))) {
			MvcResult r = mvc.perform(concrete(op).with(TestTokens.bearer(token))).andReturn();
			assertThat(r.getResponse().getStatus()).as(describe(r)).isEqualTo(401);
			assertThat(r.getResponse().getHeader("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
			assertThat(r.getResponse().getContentAsString()).doesNotContain(token);
		}
	}

	/** The role just below {@code role}; below viewer, a JWT that names no role of ours. */
	private static RequestPostProcessor below(Role role, String credential) {
		if (role == Role.VIEWER) {
			return TestTokens.bearer(TestJwts.jwt("nobody", "some-other-application-role"));
		}
		return exactly(Role.values()[role.ordinal() - 1], credential);
	}

	private static RequestPostProcessor exactly(Role role, String credential) {
		return TestTokens.asRole(role, credential.equals("jwt"));
	}

	/** The operation's path with its parameters filled in, and a JSON body where it takes one. */
	private static MockHttpServletRequestBuilder concrete(ApiOperation op) {
		String path = op.path()
			.replace("{domid}", "1")
			.replace("{type}", "vbd")
			.replace("{devid}", "51712")
			.replace("{name}", "local")
			.replace("{id}", UUID.randomUUID().toString());
		if (path.equals("/api/v1/events")) {
			path += "?follow=false";
		}
		MockHttpServletRequestBuilder b = request(op.method(), path);
		Operation operation = CONTRACT.getPaths().get(op.path()).readOperationsMap()
			.get(PathItem.HttpMethod.valueOf(op.method().name()));
		if (operation.getRequestBody() != null) {
			Map<String, ?> content = operation.getRequestBody().getContent();
			String type = content.containsKey("application/json") ? "application/json" : content.keySet().iterator().next();
			b.contentType(MediaType.parseMediaType(type)).content("{}");
		}
		return b;
	}

	private static String describe(MvcResult r) throws Exception {
		return r.getRequest().getMethod() + " " + r.getRequest().getRequestURI() + " -> "
				+ r.getResponse().getContentAsString();
	}

}
