package org.xso.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The service's HTTP API as the matrix drives it: JSON in, JSON out, one keep-alive HTTP/1.1
 * client per service process. A connection failure is an {@link UncheckedIOException} (the
 * service may have just been killed).
 */
final class Api {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Long polls wait up to 30 s on the server; a request may take that long and a little more. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

	private final HttpClient http;

	private final String base;

	/**
	 * The service's bootstrap admin token, read when first needed: the service writes it on its
	 * first start, under the data directory that is its working directory.
	 */
	private final Path tokenFile;

	private volatile String token;

	Api(int port, Path tokenFile) {
		this.base = "http://127.0.0.1:" + port;
		this.tokenFile = tokenFile;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/** A response: its status, its body as JSON (missing if empty or not JSON) and headers. */
	record Response(int status, JsonNode body, String raw, Map<String, java.util.List<String>> headers) {

		boolean ok() {
			return status >= 200 && status < 300;
		}

		Optional<String> header(String name) {
			return headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name))
				.flatMap(e -> e.getValue().stream())
				.findFirst();
		}

		/** The status and the body, shortened, for a finding. */
		String describe() {
			String text = raw.length() > 400 ? raw.substring(0, 400) + "..." : raw;
			return status + " " + text;
		}

	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET(), path);
	}

	Response post(String path, Object body) {
		return send(json(HttpRequest.newBuilder(uri(path)), "POST", body), path);
	}

	Response patch(String path, Object body, String ifMatch) {
		HttpRequest.Builder b = json(HttpRequest.newBuilder(uri(path)), "PATCH", body);
		b.header("Content-Type", "application/merge-patch+json");
		if (ifMatch != null) {
			b.header("If-Match", ifMatch);
		}
		return send(b, path);
	}

	Response delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
	}

	private HttpRequest.Builder json(HttpRequest.Builder b, String method, Object body) {
		String text = body instanceof String s ? s : JSON.writeValueAsString(body);
		return b.method(method, HttpRequest.BodyPublishers.ofString(text)).header("Content-Type", "application/json");
	}

	private URI uri(String path) {
		return URI.create(base + path);
	}

	private Response send(HttpRequest.Builder b, String path) {
		if (!path.startsWith("/actuator/health")) {
			b.header("Authorization", "Bearer " + token());
		}
		HttpRequest request = b.timeout(REQUEST_TIMEOUT).header("Accept", "application/json, application/problem+json")
			.build();
		try {
			HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(r.statusCode(), parse(r.body()), r.body(), r.headers().map());
		}
		catch (IOException e) {
			throw new UncheckedIOException(request.method() + " " + path + ": " + e, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted during " + request.method() + " " + path, e);
		}
	}

	private String token() {
		String t = token;
		if (t == null) {
			try {
				t = Files.readString(tokenFile).strip();
			}
			catch (IOException e) {
				throw new UncheckedIOException("the service has not written its admin token " + tokenFile, e);
			}
			token = t;
		}
		return t;
	}

	private static JsonNode parse(String body) {
		if (body == null || body.isBlank()) {
			return MissingNode.getInstance();
		}
		try {
			return JSON.readTree(body);
		}
		catch (RuntimeException e) {
			return MissingNode.getInstance();
		}
	}

}
