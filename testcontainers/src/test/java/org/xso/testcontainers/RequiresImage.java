package org.xso.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a test class only where a Docker engine answers and holds the service's image (the system
 * property {@code xso.image}, {@code xso/orchestrator:latest} by default; never pulled). Otherwise
 * the class is skipped with one line saying why, and Testcontainers is not even asked when there
 * is no engine's socket (its search logs errors and takes time). On CI ({@code CI} set) a running
 * engine without the image is a failure: the image is built earlier in the same run.
 */
final class RequiresImage implements ExecutionCondition {

	static final String IMAGE = System.getProperty("xso.image", XsoContainer.DEFAULT_IMAGE.asCanonicalNameString());

	private static Optional<String> skip;

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		Optional<String> why = why();
		if (why.isEmpty()) {
			return ConditionEvaluationResult.enabled("Docker answers and holds " + IMAGE);
		}
		String reason = context.getRequiredTestClass().getSimpleName() + " skipped: " + why.get();
		System.out.println(reason);
		return ConditionEvaluationResult.disabled(reason);
	}

	private static synchronized Optional<String> why() {
		if (skip == null) {
			skip = probe();
		}
		return skip;
	}

	private static Optional<String> probe() {
		String host = System.getenv("DOCKER_HOST");
		boolean socketFound = host != null && !host.startsWith("unix://")
				|| sockets(host).stream().anyMatch(Files::exists);
		if (!socketFound) {
			return Optional.of("no Docker engine (no socket at " + sockets(host) + ")");
		}
		// In a container, Testcontainers finds the address of the engine's host from the bridge
		// network, and where that names no gateway (an engine started inside this container) it runs
		// a pulled image to ask: the address must be given instead.
		String hostOverride = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
		if (Files.exists(Path.of("/.dockerenv")) && (hostOverride == null || hostOverride.isBlank())) {
			return Optional.of("these tests run in a container and TESTCONTAINERS_HOST_OVERRIDE is not set (localhost"
					+ " where the Docker engine runs in this container, as on CI; the engine's host otherwise)");
		}
		try {
			if (!DockerClientFactory.instance().isDockerAvailable()) {
				return Optional.of("the Docker engine does not answer");
			}
			DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
			return Optional.empty();
		}
		catch (NotFoundException e) {
			String missing = "image " + IMAGE + " not built (docker/build-images.sh builds it)";
			if (System.getenv("CI") != null) {
				throw new IllegalStateException(missing + ": on CI the image is built before the tests run");
			}
			return Optional.of(missing);
		}
		catch (RuntimeException | Error e) {
			return Optional.of("the Docker engine does not answer (" + e.getMessage() + ")");
		}
	}

	/** Where an engine's socket is found: DOCKER_HOST, the system's, a rootless one, Docker Desktop's. */
	private static List<Path> sockets(String host) {
		List<Path> sockets = new ArrayList<>();
		if (host != null && host.startsWith("unix://")) {
			sockets.add(Path.of(host.substring("unix://".length())));
			return sockets;
		}
		sockets.add(Path.of("/var/run/docker.sock"));
		String runtime = System.getenv("XDG_RUNTIME_DIR");
		if (runtime != null) {
			sockets.add(Path.of(runtime, "docker.sock"));
		}
		String home = System.getProperty("user.home");
		sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
		sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
		return sockets;
	}

}
