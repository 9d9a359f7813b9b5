package org.xso.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;

/**
 * The drivers' HTTP client for {@code /api/v1}: JSON in and out, a 503 (overloaded) retried after
 * a short back-off and counted, and operations polled until they end (or, asked for, answered
 * finished).
 */
final class ApiClient {

	final String base;

	final AtomicLong overloadRetries = new AtomicLong();

	final AtomicLong polls = new AtomicLong();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	/** Whether {@link #await} long-polls ({@code ?waitMs=}) rather than asking every {@code pollMicros}. */
	final boolean longPoll;

	/**
	 * Whether {@link #runToEnd} asks for the finished operation in the answer ({@code Prefer: wait=30},
	 * one exchange per operation) rather than polling it after the 202.
	 */
	final boolean preferWait;

	private final String authorization;

	ApiClient(String base, String token, boolean longPoll) {
		this(base, token, longPoll, false);
	}

	ApiClient(String base, String token, boolean longPoll, boolean preferWait) {
		this.base = base + "/api/v1";
		this.authorization = "Bearer " + token;
		this.longPoll = longPoll;
		this.preferWait = preferWait;
	}

	record Response(int status, JsonNode body) {

		JsonNode require(int expected) {
			if (this.status != expected) {
				throw new IllegalStateException("HTTP " + this.status + " (expected " + expected + "): " + this.body);
			}
			return this.body;
		}

	}

	Response post(String path, String json) {
		return send(postRequest(path, json).build(), true);
	}

	/** Starts an operation and returns it ended: from the answer when it came finished (200), else polled. */
	JsonNode runToEnd(String path, String json, long pollMicros, Duration timeout) {
		HttpRequest.Builder request = postRequest(path, json);
		if (this.preferWait) {
			request.header("Prefer", "wait=30");
		}
		Response r = send(request.build(), true);
		if (r.status() == 200 && this.preferWait) {
			return r.body();
		}
		return await(r.require(202).path("id").asText(), pollMicros, timeout);
	}

	private HttpRequest.Builder postRequest(String path, String json) {
		return HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(120))
			.header("Content-Type", "application/json")
			.header("Authorization", this.authorization)
			.POST(HttpRequest.BodyPublishers.ofString(json));
	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(120))
			.header("Authorization", this.authorization)
			.GET()
			.build(), false);
	}

	private Response send(HttpRequest request, boolean retryOverload) {
		long backoffNanos = 1_000_000;
		while (true) {
			HttpResponse<String> r;
			try {
				r = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException e) {
				throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", e);
			}
			if (r.statusCode() == 503 && retryOverload) {
				this.overloadRetries.incrementAndGet();
				LockSupport.parkNanos(backoffNanos);
				backoffNanos = Math.min(backoffNanos * 2, 50_000_000);
				continue;
			}
			JsonNode body = r.body().isEmpty() ? Results.JSON.createObjectNode() : Results.JSON.readTree(r.body());
			return new Response(r.statusCode(), body);
		}
	}

	/**
	 * Polls an operation until it is terminal, every {@code pollMicros} or, long-polling, with a
	 * request that the service answers when the operation ends; returns its last view.
	 */
	JsonNode await(String operationId, long pollMicros, Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		String path = "/operations/" + operationId + (this.longPoll ? "?waitMs=30000" : "");
		while (true) {
			JsonNode op = get(path).require(200);
			this.polls.incrementAndGet();
			String state = op.path("state").asText();
			if (!state.equals("PENDING") && !state.equals("RUNNING")) {
				return op;
			}
			if (System.nanoTime() > end) {
				throw new IllegalStateException("operation " + operationId + " still " + state + " after " + timeout);
			}
			if (!this.longPoll) {
				LockSupport.parkNanos(pollMicros * 1000);
			}
		}
	}

}
