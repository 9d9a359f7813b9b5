package org.xso.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;

/**
 * Whether the tests can use a Docker engine and an image built on this machine
 * ({@code docker/build-images.sh}). Without a socket to talk to, Testcontainers is not asked at all:
 * its search for an engine logs errors and takes time, and a machine without Docker is an ordinary
 * case here. The tests never pull an image: only images already present are used.
 */
public final class Docker {

	private static Optional<String> unavailable;

	private Docker() {
	}

	/** Why no engine can be used, or empty when one answers. */
	public static synchronized Optional<String> unavailable() {
		if (unavailable == null) {
			unavailable = probe();
		}
		return unavailable;
	}

	/** Whether the engine holds the image (never pulled). */
	public static boolean hasImage(String image) {
		if (unavailable().isPresent()) {
			return false;
		}
		try {
			DockerClientFactory.instance().client().inspectImageCmd(image).exec();
			return true;
		}
		catch (NotFoundException e) {
			return false;
		}
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
			return DockerClientFactory.instance().isDockerAvailable() ? Optional.empty()
					: Optional.of("the Docker engine does not answer");
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
