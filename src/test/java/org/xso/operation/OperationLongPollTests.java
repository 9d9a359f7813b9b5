package org.xso.operation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** {@code GET /operations/{id}?waitMs=}: long polling of an operation. */
class OperationLongPollTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void answersWithTheRunningOperationWhenTheWaitRunsOut() throws Exception {
		hypervisor.hold(Call.QUIESCE);
		JsonNode op = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.QUIESCE, Duration.ofSeconds(60))).isTrue();
		long t0 = System.nanoTime();
		JsonNode read = call(get("/api/v1/operations/" + id(op) + "?waitMs=200"), 200);
		assertThat(read.get("state").asString()).isEqualTo("RUNNING");
		assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		hypervisor.release(Call.QUIESCE);
		awaitOperation(id(op), "SUCCEEDED");
	}

	@Test
	void answersAsSoonAsTheOperationEnds() throws Exception {
		hypervisor.hold(Call.QUIESCE);
		JsonNode op = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.QUIESCE, Duration.ofSeconds(60))).isTrue();
		long t0 = System.nanoTime();
		CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return call(get("/api/v1/operations/" + id(op) + "?waitMs=30000"), 200);
			}
			catch (Exception e) {
				throw new IllegalStateException(e);
			}
		});
		Thread.sleep(100);
		assertThat(waiting).isNotDone();
		hypervisor.release(Call.QUIESCE);
		JsonNode ended = waiting.get(60, TimeUnit.SECONDS);
		assertThat(ended.get("state").asString()).isEqualTo("SUCCEEDED");
		// before the 30 s wait could run out: the end of the operation answered it (no tighter bound holds
		// on a busy machine)
		assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
	}

	@Test
	void answersAnEndedOperationAtOnce() throws Exception {
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		long t0 = System.nanoTime();
		assertThat(call(get("/api/v1/operations/" + id(op) + "?waitMs=30000"), 200).get("state").asString())
			.isEqualTo("SUCCEEDED");
		assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
	}

	@Test
	void refusesAWaitBeyondThirtySeconds() throws Exception {
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		problem(get("/api/v1/operations/" + id(op) + "?waitMs=30001"), 400, "VALIDATION_FAILED");
	}

}
