package org.xso.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console needs from the service, over real HTTP: its page and files are public at
 * {@code /}, the contract is served as YAML, and a request the console's page makes (its Origin is
 * the service's own) passes the cross-origin guard where another site's is refused.
 */
@ConsoleServer
class ConsoleServerTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	private HttpResponse<String> get(String path, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + TestTokens.VIEWER);
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	@Test
	void servesTheConsoleAtTheRootWithoutCredentials() throws Exception {
		HttpResponse<String> root = get("/");
		assertThat(root.statusCode()).isEqualTo(200);
		assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
		assertThat(root.body()).contains("<title>xen-suspend-orchestrator console</title>", "href=\"swagger-ui.html\"",
				"console/console.js");
		for (String file : new String[] { "console/console.js", "console/sse.js", "console/api.js", "console/dom.js" }) {
			HttpResponse<String> script = get("/" + file);
			assertThat(script.statusCode()).as(file).isEqualTo(200);
			// module scripts run only when served with a JavaScript type
			assertThat(script.headers().firstValue("Content-Type")).as(file)
				.hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
		}
		assertThat(get("/console/console.css").headers().firstValue("Content-Type"))
			.hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
	}

	@Test
	void servesTheContractAsYaml() throws Exception {
		HttpResponse<String> yaml = get("/openapi.yaml");
		assertThat(yaml.statusCode()).isEqualTo(200);
		assertThat(yaml.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
		assertThat(yaml.body()).isEqualTo(Files.readString(Path.of("openapi.yaml")));
	}

	@Test
	void keepsTheApiClosedToTheConsolesVisitorsWithoutAToken() throws Exception {
		HttpResponse<String> domains = get("/api/v1/domains", "Origin", "http://127.0.0.1:" + port);
		assertThat(domains.statusCode()).isEqualTo(401);
		assertThat(code(domains)).isEqualTo("UNAUTHENTICATED");
	}

	@Test
	void letsThePagesOwnOriginThroughTheCrossOriginGuardAndRefusesAnother() throws Exception {
		String own = "http://127.0.0.1:" + port;
		// a browser sends Origin with every POST; the console's is the service's own origin, so the
		// request reaches authorization (the viewer may not suspend: 403 FORBIDDEN, not CROSS_ORIGIN_REFUSED)
		HttpResponse<String> ours = post("/api/v1/domains/2/suspend", "{\"strategy\":\"SHADOW_REPLAY\"}", "Origin", own);
		assertThat(ours.statusCode()).isEqualTo(403);
		assertThat(code(ours)).isEqualTo("FORBIDDEN");
		HttpResponse<String> theirs = post("/api/v1/domains/2/suspend", "{\"strategy\":\"SHADOW_REPLAY\"}", "Origin",
				"http://127.0.0.1:" + (port + 1));
		assertThat(theirs.statusCode()).isEqualTo(403);
		assertThat(code(theirs)).isEqualTo("CROSS_ORIGIN_REFUSED");
		HttpResponse<String> read = get("/api/v1/domains", "Origin", own, "Authorization", "Bearer " + TestTokens.VIEWER);
		assertThat(read.statusCode()).isEqualTo(200);
	}

	private String code(HttpResponse<String> response) {
		JsonNode problem = json.readTree(response.body());
		return problem.get("code").asString();
	}

}
