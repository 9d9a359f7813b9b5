package org.xso.web;

import org.junit.jupiter.api.Test;
import org.xso.support.IntegrationTest;
import org.xso.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The contract is the only API description: Swagger UI reads {@code /openapi.yaml}, springdoc's
 * generated {@code /v3/api-docs} is off. That {@code /openapi.yaml} is served as
 * {@code application/yaml} is the container's doing (a MIME mapping), so {@code ConsoleServerTests}
 * checks it over real HTTP.
 */
class SwaggerUiTests extends IntegrationTest {

	@Test
	void servesTheTopLevelContractAsItIs() throws Exception {
		var yaml = mvc.perform(get("/openapi.yaml")).andReturn().getResponse();
		assertThat(yaml.getStatus()).isEqualTo(200);
		assertThat(yaml.getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
			.isEqualTo(java.nio.file.Files.readString(java.nio.file.Path.of("openapi.yaml")));
	}

	@Test
	void pointsTheSwaggerUiAtTheContract() throws Exception {
		assertThat(mvc.perform(get("/swagger-ui.html")).andReturn().getResponse().getRedirectedUrl())
			.isEqualTo("/swagger-ui/index.html");
		assertThat(mvc.perform(get("/swagger-ui/index.html")).andReturn().getResponse().getStatus()).isEqualTo(200);
		String config = mvc.perform(get("/v3/api-docs/swagger-config")).andReturn().getResponse().getContentAsString();
		assertThat(json.readTree(config).get("url").asString()).isEqualTo("/openapi.yaml");
	}

	@Test
	void offersNoGeneratedDescriptionBesideTheContract() throws Exception {
		// springdoc's generated description would be a second, empty "OpenAPI definition": it is off
		problem(get("/v3/api-docs").with(TestTokens.none()), 404, "NOT_FOUND");
		problem(get("/v3/api-docs.yaml").with(TestTokens.none()), 404, "NOT_FOUND");
		problem(get("/v3/api-docs"), 404, "NOT_FOUND");
	}

}
