package org.xso.testcontainers;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xso.testcontainers.XsoContainer.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The container against the real image, over HTTP, as another project's tests would use it. Each
 * nested class starts one container for its tests and stops it after them.
 */
@ExtendWith(RequiresImage.class)
class XsoContainerTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static final Pattern STATE = Pattern.compile("\"state\":\"([A-Z_]+)\"");

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithDemoGuestsAndAFault {

		// domain 2's backends stall from the start: a resume of it cannot reconnect its devices
		final XsoContainer xso = new XsoContainer(RequiresImage.IMAGE).withDemoGuests(true)
			.withFault(Fault.backendsStall(2, true));

		@BeforeAll
		void start() {
			xso.start();
		}

		@AfterAll
		void stop() {
			xso.stop();
		}

		@Test
		void aDemoGuestIsSuspendedAndResumedOverHttpWithNothingLost() throws Exception {
			assertThat(get("/api/v1/domains").body()).contains("\"name\":\"demo-1\"", "\"name\":\"demo-2\"");

			String suspend = accepted(post("/api/v1/domains/1/suspend",
					"{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":5000,\"deadlineMs\":30000}"));
			assertThat(awaitEnd(suspend)).isEqualTo("SUCCEEDED");
			assertThat(get("/api/v1/domains/1").body()).contains("\"state\":\"SUSPENDED\"");

			String resume = accepted(post("/api/v1/domains/1/resume", "{}"));
			assertThat(awaitEnd(resume)).isEqualTo("SUCCEEDED");
			assertThat(get("/api/v1/domains/1").body()).contains("\"state\":\"RUNNING\"");

			for (String device : new String[] { "vbd/51712", "vif/0" }) {
				String stats = get("/api/v1/domains/1/devices/" + device + "/stats").body();
				assertThat(stats).as(device).contains("\"lost\":0", "\"duplicated\":0");
			}
			assertThat(post("/api/v1/domains/1/workload/verify", "{}").body()).contains("\"mismatches\":0");
		}

		@Test
		void theFaultGivenAtStartIsInEffect() throws Exception {
			String suspend = accepted(post("/api/v1/domains/2/suspend", "{\"strategy\":\"SHADOW_REPLAY\"}"));
			assertThat(awaitEnd(suspend)).isEqualTo("SUCCEEDED");

			String resume = accepted(post("/api/v1/domains/2/resume", "{\"deadlineMs\":5000}"));
			assertThat(awaitEnd(resume)).isEqualTo("RESUME_FAILED");
			// the stalled backends never connect: the resume fails reconnecting them
			assertThat(get(resume).body()).contains("\"phase\":\"RECONNECT\"", "\"code\":\"BACKEND_TIMEOUT\"");
			assertThat(get("/api/v1/domains/2").body()).contains("\"state\":\"SUSPENDED\"");
		}

		private HttpResponse<String> get(String path) throws IOException, InterruptedException {
			return send(xso.request(path).GET().build());
		}

		private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
			return send(xso.request(path)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build());
		}

		/** The state an operation ended in, waited for through its location. */
		private String awaitEnd(String location) {
			AtomicReference<String> state = new AtomicReference<>();
			await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
				Matcher m = STATE.matcher(get(location).body());
				state.set(m.find() ? m.group(1) : null);
				return state.get() != null && !state.get().equals("PENDING") && !state.get().equals("RUNNING");
			});
			return state.get();
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithoutDemoGuestsAndWithAnApiToken {

		final XsoContainer xso = new XsoContainer(RequiresImage.IMAGE).withDemoGuests(false)
			.withApiToken("ci-operator", Role.OPERATOR, "an-operator-token");

		@BeforeAll
		void start() {
			xso.start();
		}

		@AfterAll
		void stop() {
			xso.stop();
		}

		@Test
		void noGuestExists() throws Exception {
			HttpResponse<String> domains = send(xso.request("/api/v1/domains").GET().build());
			assertThat(domains.statusCode()).isEqualTo(200);
			assertThat(domains.body()).contains("\"items\":[]");
		}

		@Test
		void theRequestsCarryTheGivenTokenWhoseHashTheServiceHas() {
			assertThat(xso.getBearerToken()).contains("an-operator-token");
			assertThat(xso.request("/api/v1/domains").build().headers().firstValue("Authorization"))
				.contains("Bearer an-operator-token");
			String tokens = xso.copyFileFromContainer(XsoContainer.API_TOKENS_FILE,
					in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
			// the token's SHA-256 as `printf %s an-operator-token | sha256sum` prints it, its role, its name
			assertThat(tokens).isEqualTo(
					"9a693e56cf94f3dca27ca09208aae1a9ffc800c25ec499df2922eaa5af0b07a4 operator ci-operator\n");
		}

		@Test
		void aFaultTheServiceRefusesIsReportedWithItsProblem() {
			assertThatThrownBy(() -> xso.injectFault(Fault.backendsStall(1, true)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("404")
				.hasMessageContaining("DOMAIN_NOT_FOUND");
		}

	}

	private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The location of an accepted operation. */
	private static String accepted(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		return response.headers().firstValue("Location").orElseThrow();
	}

}
