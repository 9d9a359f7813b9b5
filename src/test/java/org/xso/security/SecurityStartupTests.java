package org.xso.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.util.FileSystemUtils;
import org.xso.support.FakeHypervisorConfiguration;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service as started by a user, over real HTTP: the bootstrap admin token, tokens rotated in
 * their files while it runs, the loopback bind, the actuator's surface and CORS for a configured
 * origin.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "xso.hypervisor=fake", "xso.demo.enabled=false", "xso.instance-id=security-startup",
				"spring.datasource.url=jdbc:h2:mem:xso-security-startup;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"xso.security.bootstrap-admin-token=true",
				"xso.security.admin-token-file=target/security-startup/data/admin-token",
				"xso.security.api-tokens-file=target/security-startup/api-tokens",
				"xso.security.reload-interval=PT0.1S",
				"xso.security.cors.allowed-origins=https://console.example.org",
				"management.defaults.metrics.export.enabled=true",
				// an identity provider configured the way a deployment does it, by properties only
				"spring.security.oauth2.resourceserver.jwt.public-key-location=file:target/security-startup/idp.pem",
				"xso.security.jwt.principal-claim=preferred_username", "xso.security.jwt.roles-claim=realm_access.roles",
				"xso.security.jwt.role-mapping.xso-operators=operator" })
@Import(FakeHypervisorConfiguration.class)
@EnabledOnOs({ OS.LINUX, OS.MAC })
class SecurityStartupTests {

	private static final Path DIR = Path.of("target/security-startup");

	private static final Path ADMIN_TOKEN = DIR.resolve("data/admin-token");

	private static final Path TOKENS = DIR.resolve("api-tokens");

	private static final String FIRST = "xso_rotating-first-0123456789abcdefghijklmn";

	private static final String SECOND = "xso_rotating-second-0123456789abcdefghijklm";

	static {
		// a first start: no data directory; a tokens file with one operator token
		try {
			FileSystemUtils.deleteRecursively(DIR);
			Files.createDirectories(DIR);
			writeTokens(TOKENS, ApiTokens.sha256(FIRST) + " operator ci\n");
			Files.writeString(DIR.resolve("idp.pem"), TestJwts.publicKeyPem());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The tokens file as the test writes it: the test's viewer and admin tokens and these lines. */
	private static void writeTokens(Path file, String lines) throws IOException {
		Files.writeString(file, ApiTokens.sha256(TestTokens.VIEWER) + " viewer test-viewer\n"
				+ ApiTokens.sha256(TestTokens.ADMIN) + " admin test-admin\n" + lines);
	}

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	JsonMapper json;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void theFirstStartCreatesAnAdminTokenOnlyItsOwnerCanRead() throws Exception {
		assertThat(ADMIN_TOKEN).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ADMIN_TOKEN))).isEqualTo("rw-------");
		String token = Files.readString(ADMIN_TOKEN).strip();
		assertThat(token).startsWith("xso_").hasSize(4 + 43);
		assertThat(send("GET", "/api/v1/domains", token, null).statusCode()).isEqualTo(200);
		assertThat(send("POST", "/api/v1/domains", token, "{}").statusCode()).as("admin").isEqualTo(400);
		assertThat(send("GET", "/api/v1/domains", null, null).statusCode()).isEqualTo(401);
	}

	@Test
	void tokensAreRotatedAndRevokedWithoutARestart() throws Exception {
		await().until(() -> send("GET", "/api/v1/domains", FIRST, null).statusCode() == 200);
		// rotation: both are valid for a while, then the old one is revoked
		writeTokens(TOKENS, ApiTokens.sha256(FIRST) + " operator ci\n" + ApiTokens.sha256(SECOND)
				+ " operator ci\nthis line is not a token entry\n");
		await().until(() -> send("GET", "/api/v1/domains", SECOND, null).statusCode() == 200);
		assertThat(send("GET", "/api/v1/domains", FIRST, null).statusCode()).isEqualTo(200);
		writeTokens(TOKENS.resolveSibling("api-tokens.next"), ApiTokens.sha256(SECOND) + " viewer ci\n");
		// as a Kubernetes Secret update does: the new file replaces the old one at once
		Files.move(TOKENS.resolveSibling("api-tokens.next"), TOKENS, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		await().until(() -> send("GET", "/api/v1/domains", FIRST, null).statusCode() == 401);
		// the role changed with it: a viewer may not suspend
		await()
			.until(() -> send("POST", "/api/v1/domains/1/suspend", SECOND, "{\"strategy\":\"SHADOW_REPLAY\"}")
				.statusCode() == 403);

		// the admin token is rotated by writing a new one into its file
		String before = Files.readString(ADMIN_TOKEN).strip();
		String after = "xso_a-new-admin-token-0123456789abcdefghijklm";
		Files.writeString(ADMIN_TOKEN, after + "\n");
		await().until(() -> send("GET", "/api/v1/domains", before, null).statusCode() == 401);
		assertThat(send("GET", "/api/v1/domains", after, null).statusCode()).isEqualTo(200);
	}

	@Test
	void anIdentityProvidersJwtIsAcceptedThroughPropertiesAlone() throws Exception {
		String alice = TestJwts.jwt("f81d4fae-7dec", java.util.Map.of("preferred_username", "alice", "realm_access",
				java.util.Map.of("roles", java.util.List.of("offline_access", "xso-operators"))));
		assertThat(send("GET", "/api/v1/domains", alice, null).statusCode()).isEqualTo(200);
		HttpResponse<String> refused = send("DELETE", "/api/v1/domains/1", alice, null);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("needs the admin role; the caller's role is operator");
		assertThat(send("GET", "/api/v1/domains", TestJwts.signedByAStranger("alice", "admin"), null).statusCode())
			.isEqualTo(401);
	}

	@Test
	void itListensOnLoopbackOnly() throws Exception {
		TomcatWebServer server = (TomcatWebServer) context.getWebServer();
		Object address = server.getTomcat().getConnector().getProperty("address");
		assertThat(address).isInstanceOf(InetAddress.class);
		assertThat(((InetAddress) address).isLoopbackAddress()).as("bound to %s", address).isTrue();
		Optional<InetAddress> external = nonLoopbackAddress();
		if (external.isPresent()) {
			assertThatThrownBy(() -> {
				try (Socket s = new Socket()) {
					s.connect(new InetSocketAddress(external.get(), port), 2000);
				}
			}).as("connect to %s:%d", external.get(), port).isInstanceOf(IOException.class);
		}
	}

	@Test
	void theActuatorShowsProbesToAllAndTheRestToAuthenticatedCallersOnly() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health", null, null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(json.readTree(health.body()).propertyNames()).doesNotContain("components", "details");
		assertThat(send("GET", "/actuator/health/liveness", null, null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/health/readiness", null, null).statusCode()).isEqualTo(200);

		HttpResponse<String> detailed = send("GET", "/actuator/health", TestTokens.VIEWER, null);
		assertThat(json.readTree(detailed.body()).has("components")).as(detailed.body()).isTrue();
		for (String path : new String[] { "/actuator/info", "/actuator/prometheus", "/actuator/metrics",
				"/actuator/env", "/actuator/health/db" }) {
			HttpResponse<String> r = send("GET", path, null, null);
			assertThat(r.statusCode()).as(path).isEqualTo(401);
			assertThat(problemCode(r)).isEqualTo("UNAUTHENTICATED");
		}
		assertThat(send("GET", "/actuator/info", TestTokens.VIEWER, null).statusCode()).isEqualTo(200);
		HttpResponse<String> prometheus = send("GET", "/actuator/prometheus", TestTokens.VIEWER, null);
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("jvm_");
		for (String path : new String[] { "/actuator/metrics", "/actuator/env", "/actuator/beans",
				"/actuator/heapdump" }) {
			assertThat(send("GET", path, TestTokens.ADMIN, null).statusCode()).as(path).isEqualTo(404);
		}
	}

	@Test
	void onlyTheConfiguredOriginGetsCors() throws Exception {
		HttpRequest preflight = HttpRequest.newBuilder(uri("/api/v1/domains/1/suspend"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://console.example.org")
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "authorization,content-type")
			.build();
		HttpResponse<String> allowed = http.send(preflight, HttpResponse.BodyHandlers.ofString());
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://console.example.org");

		HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri("/api/v1/domains"))
			.header("Origin", "https://console.example.org")
			.header("Authorization", "Bearer " + TestTokens.VIEWER)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(get.statusCode()).isEqualTo(200);
		assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://console.example.org");

		HttpResponse<String> evil = http.send(HttpRequest.newBuilder(uri("/api/v1/domains"))
			.header("Origin", "https://evil.example")
			.header("Authorization", "Bearer " + TestTokens.VIEWER)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(evil.statusCode()).isEqualTo(403);
		assertThat(problemCode(evil)).isEqualTo("CROSS_ORIGIN_REFUSED");
		assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	private String problemCode(HttpResponse<String> r) {
		assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
				t -> assertThat(t).startsWith("application/problem+json"));
		JsonNode p = json.readTree(r.body());
		return p.get("code").asString();
	}

	private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
		HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		if (body != null) {
			b.header("Content-Type", "application/json");
		}
		b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
		for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!nif.isUp() || nif.isLoopback()) {
				continue;
			}
			for (InetAddress a : Collections.list(nif.getInetAddresses())) {
				if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
					return Optional.of(a);
				}
			}
		}
		return Optional.empty();
	}

}
