package org.xso.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.xso.domain.DomainReconciler;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.support.SseFrames;
import org.xso.support.SseFrames.Frame;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;
import org.xso.xen.DomId;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The audit trail over HTTP: who requested each operation, who caused each event (in the event log
 * and on the stream), and the answer to "who suspended domain 7, when, and with what result".
 * Requests carry a principal as an authenticated request would ({@code getUserPrincipal()}).
 */
class AuditTrailTests extends IntegrationTest {

	/** One SSE frame: its id, its event type and its data (the envelope). */

	private long since;

	@BeforeEach
	void markTheLog() {
		since = jdbc.queryForObject("select coalesce(max(id), 0) from event_log", Long.class);
	}

	@Test
	void recordsWhoSuspendedADomainOnTheOperationAndOnEveryEventItCaused() throws Exception {
		create(7, "carol");
		JsonNode accepted = call(as("alice", postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY)), 202);
		assertThat(accepted.get("requestedBy").asString()).as("recorded when accepted").isEqualTo("alice");
		String id = id(accepted);
		JsonNode ended = awaitOperation(id, "SUCCEEDED", "FAILED", "ROLLED_BACK");
		assertThat(ended.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("requestedBy").asString()).isEqualTo("alice");

		Predicate<Frame> ofTheSuspend = f -> f.operationId().equals(Optional.of(id));
		List<Frame> caused = awaitFrames(7, frames -> frames.stream()
			.anyMatch(f -> ofTheSuspend.test(f) && f.event().equals("operation")
					&& f.data().get("data").get("state").asString().equals("SUCCEEDED")),
				ofTheSuspend);
		assertThat(caused).extracting(Frame::event).contains("operation", "checkpoint.created", "domain.state");
		assertThat(caused).allSatisfy(f -> assertThat(f.principal()).as("%s", f).isEqualTo("alice"));
		Frame suspended = caused.stream().filter(f -> f.event().equals("domain.state")).findFirst().orElseThrow();
		assertThat(suspended.data().get("data").get("to").asString()).isEqualTo("SUSPENDED");
		// the log keeps it in a column of its own, one name for everything the operation caused
		assertThat(jdbc.queryForList("select distinct principal from event_log where operation_id = ?", String.class,
				uuid(accepted, "id")))
			.containsExactly("alice");
		// what the hypervisor reported meanwhile is its own, not the operation's
		assertThat(frames(7)).filteredOn(f -> f.event().equals("xenbus.state"))
			.isNotEmpty()
			.allSatisfy(f -> assertThat(f.principal()).isEqualTo(Principals.SYSTEM));
	}

	@Test
	void answersWhoSuspendedADomainWhenAndWithWhatResultAmongOtherPrincipalsOperations() throws Exception {
		create(7, "carol");
		create(8, "carol");
		Instant before = clock.instant();
		JsonNode alices = finish(call(as("alice", postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY)), 202));
		finish(call(as("bob", post("/api/v1/domains/7/resume")), 202));
		finish(call(as("bob", postJson("/api/v1/domains/8/suspend", Guests.SHADOW_REPLAY)), 202));
		finish(call(as("carol", postJson("/api/v1/domains/7/checkpoints", Guests.SHADOW_REPLAY)), 202));
		hypervisor.failNext(Call.SAVE, HypervisorException.Reason.INTERNAL);
		JsonNode daves = finish(call(as("dave", postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY)), 202));

		JsonNode suspends = call(get("/api/v1/operations?domid=7&kind=SUSPEND"), 200).get("items");
		assertThat(suspends).hasSize(2);
		JsonNode failed = suspends.get(0); // newest first
		assertThat(failed.get("id").asString()).isEqualTo(id(daves));
		assertThat(failed.get("requestedBy").asString()).isEqualTo("dave");
		assertThat(failed.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(failed.get("error").get("code").asString()).isNotBlank();
		JsonNode succeeded = suspends.get(1);
		assertThat(succeeded.get("id").asString()).isEqualTo(id(alices));
		assertThat(succeeded.get("requestedBy").asString()).isEqualTo("alice");
		assertThat(succeeded.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(succeeded.has("error")).isFalse();
		assertThat(Instant.parse(succeeded.get("createdAt").asString())).isAfterOrEqualTo(before);
		assertThat(Instant.parse(succeeded.get("finishedAt").asString()))
			.isAfterOrEqualTo(Instant.parse(succeeded.get("createdAt").asString()));

		assertThat(call(get("/api/v1/operations?requestedBy=bob"), 200).get("items")).extracting(
				o -> o.get("kind").asString() + " " + o.get("domid").asInt() + " " + o.get("requestedBy").asString())
			.containsExactly("SUSPEND 8 bob", "RESUME 7 bob");
		assertThat(call(get("/api/v1/operations?domid=7&requestedBy=alice"), 200).get("items"))
			.extracting(o -> o.get("id").asString())
			.containsExactly(id(alices));
		assertThat(call(get("/api/v1/operations?requestedBy=alic"), 200).get("items")).as("an exact match").isEmpty();
	}

	@Test
	void recordsAnApiTokensNameForARequestMadeWithIt() throws Exception {
		create(7, "carol");
		// the tests' default credential is the API token named test-admin
		JsonNode op = finish(call(postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY), 202));
		assertThat(op.get("requestedBy").asString()).isEqualTo("token:test-admin");
		assertThat(call(get("/api/v1/operations?requestedBy=token:test-admin"), 200).get("items"))
			.extracting(o -> o.get("id").asString())
			.containsExactly(id(op));
	}

	@Test
	void keepsTheFirstCallerOfARepeatedRequest() throws Exception {
		create(7, "carol");
		JsonNode first = call(as("alice",
				postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY).header("Idempotency-Key", "suspend-7")),
				202);
		finish(first);
		MvcResult repeat = mvc.perform(as("mallory",
				postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY).header("Idempotency-Key", "suspend-7")))
			.andReturn();
		assertThat(repeat.getResponse().getStatus()).isEqualTo(202);
		assertThat(repeat.getResponse().getHeader("Idempotent-Replayed")).isEqualTo("true");
		JsonNode replayed = body(repeat);
		assertThat(replayed.get("id").asString()).isEqualTo(id(first));
		assertThat(replayed.get("requestedBy").asString()).isEqualTo("alice");
		assertThat(call(get("/api/v1/operations?requestedBy=mallory"), 200).get("items")).isEmpty();
	}

	@Test
	void recordsWhoCancelledAnotherPrincipalsOperation() throws Exception {
		create(7, "carol");
		hypervisor.hold(Call.SAVE);
		JsonNode op = call(as("alice", postJson("/api/v1/domains/7/suspend", Guests.SHADOW_REPLAY)), 202);
		assertThat(hypervisor.awaitArrival(Call.SAVE, Duration.ofSeconds(60))).isTrue();
		JsonNode asked = call(as("bob", post("/api/v1/operations/" + id(op) + "/cancel")), 202);
		assertThat(asked.get("cancelRequestedBy").asString()).isEqualTo("bob");
		hypervisor.release(Call.SAVE);
		JsonNode ended = awaitOperation(id(op), "CANCELLED", "ROLLED_BACK", "SUCCEEDED");
		assertThat(ended.get("state").asString()).isEqualTo("CANCELLED");
		assertThat(ended.get("requestedBy").asString()).isEqualTo("alice");
		assertThat(ended.get("cancelRequestedBy").asString()).isEqualTo("bob");
	}

	@Test
	void attributesDomainDeviceAndCheckpointChangesToTheRequestThatMadeThem() throws Exception {
		create(7, "carol");
		for (int i = 0; i < 3; i++) {
			finish(call(as("alice", postJson("/api/v1/domains/7/checkpoints", Guests.SHADOW_REPLAY)), 202));
		}
		String etag = mvc.perform(get("/api/v1/domains/7")).andReturn().getResponse().getHeader("ETag");
		call(as("dave", patch("/api/v1/domains/7").contentType("application/merge-patch+json")
			.header("If-Match", etag)
			.content("{\"checkpointRetention\": 2}")), 200);
		call(as("erin", postJson("/api/v1/domains/7/devices",
				"{\"type\": \"vbd\", \"devid\": 51728, \"backendDomid\": 0, \"sectors\": 2048, \"sectorSize\": 512}")),
				201);
		call(as("erin", delete("/api/v1/domains/7/devices/vbd/51728")), 204);
		JsonNode checkpoints = call(get("/api/v1/domains/7/checkpoints"), 200).get("items");
		assertThat(checkpoints).hasSize(2);
		call(as("frank", delete("/api/v1/checkpoints/" + checkpoints.get(1).get("id").asString())), 204);
		String kept = checkpoints.get(0).get("id").asString();
		call(as("grace", delete("/api/v1/domains/7")), 204);

		List<Frame> frames = awaitFrames(7, all -> all.stream().anyMatch(f -> f.event().equals("domain.deleted")),
				f -> !f.event().equals("xenbus.state") && !f.event().equals("domain.power"));
		assertThat(principalOf(frames, "domain.created")).containsExactly("carol");
		assertThat(frames).filteredOn(f -> f.event().equals("domain.updated")).singleElement().satisfies(f -> {
			assertThat(f.principal()).isEqualTo("dave");
			assertThat(f.data().get("data").get("checkpointRetention").asInt()).isEqualTo(2);
		});
		assertThat(principalOf(frames, "device.attached")).containsExactly("erin");
		assertThat(principalOf(frames, "device.detached")).containsExactly("erin");
		assertThat(principalOf(frames, "domain.deleted")).containsExactly("grace");
		// by retention (the PATCH's), by request, with the domain
		assertThat(frames).filteredOn(f -> f.event().equals("checkpoint.deleted"))
			.extracting(f -> f.principal() + ": " + f.data().get("data").get("reason").asString())
			.containsExactly("dave: retention keeps the newest 2", "frank: deleted by request",
					"grace: domain deleted");
		assertThat(frames).filteredOn(f -> f.event().equals("checkpoint.deleted"))
			.last()
			.satisfies(f -> assertThat(f.data().get("data").get("checkpointId").asString()).isEqualTo(kept));
		// persisted with the event, as the stream shows it
		assertThat(jdbc.queryForList("select principal from event_log where id > ? and domid = 7"
				+ " and event_type in ('domain.created', 'domain.updated', 'domain.deleted') order by id", String.class,
				since))
			.containsExactly("carol", "dave", "grace");
	}

	@Test
	void attributesRetentionAndEpochsOfPeriodicCheckpointingToItsRequester() throws Exception {
		create(7, "carol");
		JsonNode op = finish(call(as("bob", postJson("/api/v1/domains/7/periodic-checkpoints",
				"{\"strategy\": \"SHADOW_REPLAY\", \"intervalMs\": 50, \"count\": 3}")), 202));
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		List<Frame> frames = awaitFrames(7,
				all -> all.stream().filter(f -> f.event().equals("checkpoint.created")).count() == 3,
				f -> f.operationId().equals(Optional.of(id(op))));
		assertThat(frames).filteredOn(f -> f.event().equals("checkpoint.created")).hasSize(3);
		assertThat(frames).extracting(Frame::principal).containsOnly("bob");
	}

	@Test
	void attributesWhatReconciliationDoesToTheServiceItself(@Autowired DomainReconciler reconciler)
			throws Exception {
		create(7, "carol");
		// the host lost guest 7, and runs a guest 9 nobody recorded
		hypervisor.destroy(DomId.guest(7), Duration.ofSeconds(5));
		hypervisor.create(Optional.of(DomId.guest(9)), new GuestSpec("stray-9", 128, 1, List.of()),
				Duration.ofSeconds(5));
		reconciler.reconcile();
		assertThat(principalOf(awaitFrames(7, all -> all.stream().anyMatch(f -> f.event().equals("domain.recreated")),
				f -> f.event().equals("domain.recreated")), "domain.recreated"))
			.containsExactly(Principals.SYSTEM);
		assertThat(principalOf(awaitFrames(9, all -> all.stream().anyMatch(f -> f.event().equals("domain.created")),
				f -> f.event().equals("domain.created")), "domain.created"))
			.containsExactly(Principals.SYSTEM);
	}

	@Test
	void rejectsARequestedByFilterOutsideTheContract() throws Exception {
		JsonNode control = problem(get("/api/v1/operations").queryParam("requestedBy", "ali\u0001ce"), 400,
				"VALIDATION_FAILED");
		assertThat(control.toString()).contains("requestedBy");
		problem(get("/api/v1/operations").queryParam("requestedBy", "a".repeat(Principals.MAX_LENGTH + 1)), 400,
				"VALIDATION_FAILED");
		assertThat(call(get("/api/v1/operations").queryParam("requestedBy", "a".repeat(Principals.MAX_LENGTH)), 200)
			.get("items")).isEmpty();
	}

	private void create(int domid, String principal) throws Exception {
		call(as(principal, postJson("/api/v1/domains", Guests.json(domid))), 201);
	}

	/** The request as an identity provider's user {@code name} (a JWT whose subject it is). */
	private static MockHttpServletRequestBuilder as(String name, MockHttpServletRequestBuilder request) {
		return request.with(TestTokens.bearer(TestJwts.jwt(name, "admin")));
	}

	private JsonNode finish(JsonNode accepted) {
		return awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "ROLLED_BACK", "RESUME_FAILED", "CANCELLED");
	}

	private static List<String> principalOf(List<Frame> frames, String type) {
		return frames.stream().filter(f -> f.event().equals(type)).map(Frame::principal).toList();
	}

	/** Replays the domain's events since the test began until {@code done} holds; those {@code kept}. */
	private List<Frame> awaitFrames(int domid, Predicate<List<Frame>> done, Predicate<Frame> kept) {
		List<List<Frame>> last = new ArrayList<>();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
			List<Frame> all = frames(domid);
			last.clear();
			last.add(all);
			return done.test(all);
		});
		return last.get(0).stream().filter(kept).toList();
	}

	private List<Frame> frames(int domid) throws Exception {
		MvcResult started = mvc
			.perform(get("/api/v1/events?follow=false&domid=" + domid + "&lastEventId=" + since))
			.andReturn();
		MvcResult done = mvc.perform(asyncDispatch(started)).andReturn();
		assertThat(done.getResponse().getStatus()).isEqualTo(200);
		return SseFrames.parse(done.getResponse().getContentAsString(), json);
	}

}
