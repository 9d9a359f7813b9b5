package org.xso.testcontainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The xen-suspend-orchestrator service in a container, for another project's integration tests:
 * the service on its Xen simulator and its embedded database, ready (its readiness group answers
 * 200) when {@link #start()} returns.
 *
 * <pre>{@code
 * try (XsoContainer xso = new XsoContainer().withDemoGuests(true)
 *         .withFault(Fault.backendLatency(1, Fault.Device.VBD, 51712, 20))) {
 *     xso.start();
 *     HttpResponse<String> domains = HttpClient.newHttpClient()
 *         .send(xso.request("/api/v1/domains").build(), HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>
 * Credentials: the service writes an admin token to its data volume on its first start; the
 * container reads it once the service is ready. {@link #withApiToken} gives the service an API
 * token of a role instead, which the requests of {@link #request} then carry. Faults given with
 * {@link #withFault} are injected through the simulator's API once the service is ready, before
 * {@code start()} returns; a fault the service refuses fails the start.
 *
 * <p>
 * The image is {@code xso/orchestrator:latest} by default, built from the project's Dockerfile.
 * This class is not thread-safe: configure and start it from one thread; once started, its
 * accessors may be called from any.
 */
public class XsoContainer extends GenericContainer<XsoContainer> {

	/** The name of the image the project's Dockerfile builds, any tag. */
	public static final DockerImageName IMAGE_NAME = DockerImageName.parse("xso/orchestrator");

	/** The image started by default ({@code docker/build-images.sh} tags it so). */
	public static final DockerImageName DEFAULT_IMAGE = IMAGE_NAME.withTag("latest");

	/** The API's port in the container. */
	public static final int HTTP_PORT = 8080;

	/** Where the service writes its admin token (on the image's data volume). */
	public static final String ADMIN_TOKEN_FILE = "/app/data/admin-token";

	/** Where the API tokens given with {@link #withApiToken} are put. */
	public static final String API_TOKENS_FILE = "/etc/xso/api-tokens";

	/** The roles an API token may have. */
	public enum Role {

		/** Reads, the event stream, metrics. */
		VIEWER,
		/** Suspend, resume, checkpoint, restore, cancel. */
		OPERATOR,
		/** Everything, including domains, devices and simulator faults. */
		ADMIN

	}

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<Fault> faults = new ArrayList<>();

	private String apiToken;

	private volatile String adminToken;

	public XsoContainer() {
		this(DEFAULT_IMAGE);
	}

	public XsoContainer(String image) {
		this(DockerImageName.parse(image));
	}

	/**
	 * {@code xso/orchestrator} with any tag; an image built from the project's Dockerfile under
	 * another name must say so:
	 * {@code DockerImageName.parse("registry.example/xso:1.0").asCompatibleSubstituteFor("xso/orchestrator")}.
	 */
	public XsoContainer(DockerImageName image) {
		super(image);
		image.assertCompatibleWith(IMAGE_NAME);
		withExposedPorts(HTTP_PORT);
		withEnv("SERVER_ADDRESS", "0.0.0.0");
		withEnv("XSO_SECURITY_ADMIN_TOKEN_FILE", ADMIN_TOKEN_FILE);
		// after start-up recovery and reconciliation; a busy machine is waited for
		waitingFor(Wait.forHttp("/actuator/health/readiness")
			.forPort(HTTP_PORT)
			.forStatusCode(200)
			.withStartupTimeout(Duration.ofMinutes(3)));
	}

	/** Whether the demo guests 1 and 2 (vbd 51712 and vif 0 each, workloads running) exist. */
	public XsoContainer withDemoGuests(boolean enabled) {
		return withEnv("XSO_DEMO_ENABLED", Boolean.toString(enabled));
	}

	/** A simulator fault injected once the service is ready, before {@code start()} returns. */
	public XsoContainer withFault(Fault fault) {
		faults.add(Objects.requireNonNull(fault, "fault"));
		return self();
	}

	/**
	 * An API token the service accepts, of a role and a name (the caller's name in the service's
	 * logs and events); {@link #request} sends it. Only its SHA-256 reaches the container.
	 */
	public XsoContainer withApiToken(String name, Role role, String token) {
		if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("a token's name is one word: '" + name + "'");
		}
		if (token.isBlank()) {
			throw new IllegalArgumentException("an empty token");
		}
		this.apiToken = token;
		String line = sha256(token) + " " + role.name().toLowerCase(Locale.ROOT) + " " + name + "\n";
		withCopyToContainer(Transferable.of(line), API_TOKENS_FILE);
		return withEnv("XSO_SECURITY_API_TOKENS_FILE", API_TOKENS_FILE);
	}

	/** {@code http://host:port} of the API. */
	public String getBaseUrl() {
		return "http://" + getHost() + ":" + getMappedPort(HTTP_PORT);
	}

	/** A path of the API ({@code /api/v1/domains}) as a URI. */
	public URI uri(String path) {
		return URI.create(getBaseUrl() + path);
	}

	/** The admin token the service wrote, if it wrote one (read once it was ready). */
	public Optional<String> getAdminToken() {
		return Optional.ofNullable(adminToken);
	}

	/** What {@link #request} sends as its bearer: the given API token, else the admin token. */
	public Optional<String> getBearerToken() {
		return apiToken != null ? Optional.of(apiToken) : getAdminToken();
	}

	/** A request to a path of the API, with the bearer token when there is one. */
	public HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
		getBearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
		return request;
	}

	/**
	 * Injects a fault now, with the admin token if the service wrote one; throws
	 * {@link IllegalStateException} with the service's problem if it refuses it.
	 */
	public void injectFault(Fault fault) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/simulator/faults"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(fault.json()));
		Optional.ofNullable(adminToken)
			.or(this::getBearerToken)
			.ifPresent(token -> request.header("Authorization", "Bearer " + token));
		HttpResponse<String> response;
		try {
			response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot inject " + fault.json(), e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while injecting " + fault.json(), e);
		}
		if (response.statusCode() != 204) {
			throw new IllegalStateException(
					"the service refused the fault " + fault.json() + ": " + response.statusCode() + " " + response.body());
		}
	}

	@Override
	protected void containerIsStarted(InspectContainerResponse containerInfo) {
		adminToken = readAdminToken().orElse(null);
		faults.forEach(this::injectFault);
	}

	private Optional<String> readAdminToken() {
		try {
			String token = copyFileFromContainer(ADMIN_TOKEN_FILE,
					in -> new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
			return token.isEmpty() ? Optional.empty() : Optional.of(token);
		}
		catch (NotFoundException e) {
			// a service without authentication writes none
			return Optional.empty();
		}
	}

	static String sha256(String token) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

}
