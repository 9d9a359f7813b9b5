package org.xso.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.xso.support.FakeHypervisorConfiguration;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that Tomcat or Spring reject before a controller runs, sent as raw bytes to the real
 * server: each answer is an RFC 9457 problem detail with a catalogued code, never an HTML page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "xso.hypervisor=fake", "xso.demo.enabled=false", "xso.instance-id=raw-http",
				"spring.datasource.url=jdbc:h2:mem:xso-raw-http;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@Import(FakeHypervisorConfiguration.class)
class ProblemsBeforeTheApiTests {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	static Stream<Arguments> hostileRequests() {
		String big = "a".repeat(10 * 1024);
		String huge = "a".repeat(40 * 1024);
		return Stream.of(
				// the API answers these itself, naming the parameter
				Arguments.of("GET /api/v1/domains?=1 HTTP/1.1", "", 400, "VALIDATION_FAILED"),
				Arguments.of("GET /api/v1/domains?page=%zz HTTP/1.1", "", 400, "VALIDATION_FAILED"),
				Arguments.of("GET /api/v1/domains?page=16777216&size=128 HTTP/1.1", "", 400, "VALIDATION_FAILED"),
				Arguments.of("DELETE /api/v1/domains/1 HTTP/1.1", "If-Match: \"" + big + "\"\r\n", 400,
						"VALIDATION_FAILED"),
				Arguments.of("GET /api/v1/events?types=" + big + " HTTP/1.1", "", 400, "VALIDATION_FAILED"),
				// Tomcat rejects these before any servlet
				Arguments.of("GET /api/v1/domains/1%00 HTTP/1.1", "", 400, "MALFORMED_REQUEST"),
				Arguments.of("GET /api/v1/domains/1%2F2 HTTP/1.1", "", 400, "MALFORMED_REQUEST"),
				Arguments.of("GET /api/v1/domains/%zz HTTP/1.1", "", 400, "MALFORMED_REQUEST"),
				Arguments.of("GET /api/v1/domains/1 HTTP/1.1", "If-Match: \"" + huge + "\"\r\n", 400,
						"MALFORMED_REQUEST"),
				Arguments.of("GET /api/v1/events?types=" + huge + " HTTP/1.1", "", 400, "MALFORMED_REQUEST"),
				// Spring Security's firewall refuses a path that climbs out of where it claims to be
				Arguments.of("GET /api/v1/../../etc/passwd HTTP/1.1", "", 400, "MALFORMED_REQUEST"),
				// the error page answers what Spring rejects outside the controllers
				Arguments.of("GET /nothing/here HTTP/1.1", "", 404, "NOT_FOUND"),
				Arguments.of("BREW /api/v1/domains HTTP/1.1", "", 405, "METHOD_NOT_ALLOWED"));
	}

	@ParameterizedTest
	@MethodSource("hostileRequests")
	void answersWithAProblemDetail(String requestLine, String headers, int status, String code) throws Exception {
		String response = exchange(requestLine + "\r\nHost: localhost\r\nAccept: */*\r\nAuthorization: Bearer "
				+ TestTokens.ADMIN + "\r\n" + headers
				+ "Connection: close\r\n\r\n");
		String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		assertThat(head).as(response).startsWith("HTTP/1.1 " + status);
		assertThat(head.toLowerCase()).as(response).contains("content-type: application/problem+json");
		JsonNode problem = json.readTree(dechunk(head, body));
		assertThat(problem.get("code").asString()).as(body).isEqualTo(code);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("type").asString()).startsWith("urn:xso:problem:");
		// the service's words, not the container's (byte offsets, advice on its logging, its classes)
		assertThat(problem.path("detail").asString() + problem.path("errors")).doesNotContain("byte [", "debug",
				"Invalid URI", "Exception", "org.apache", "at org.");
	}

	private String exchange(String request) throws IOException {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			in.transferTo(all);
			return all.toString(StandardCharsets.UTF_8);
		}
	}

	private static String dechunk(String head, String body) {
		if (!head.toLowerCase().contains("transfer-encoding: chunked")) {
			return body;
		}
		StringBuilder out = new StringBuilder();
		int at = 0;
		while (true) {
			int eol = body.indexOf("\r\n", at);
			int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
			if (size == 0) {
				return out.toString();
			}
			out.append(body, eol + 2, eol + 2 + size);
			at = eol + 2 + size + 2;
		}
	}

}
