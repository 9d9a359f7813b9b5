package org.xso.checkpoint;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.xen.DomId;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

class CheckpointTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void takesALiveCheckpointWhileTheGuestContinues() throws Exception {
		JsonNode op = checkpoint(1);
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("phases").findValuesAsString("name")).containsExactly("QUIESCE", "SAVE", "PERSIST", "THAW");
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("RUNNING");
		assertThat(d.get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(d.get("storage").get("checkpoints").asLong()).isEqualTo(1);
		assertThat(d.get("storage").get("bytes").asLong()).isPositive();
		JsonNode c = call(get("/api/v1/checkpoints/" + op.get("checkpointId").asString()), 200);
		assertThat(c.get("kind").asString()).isEqualTo("LIVE");
		assertThat(c.get("pinned").asBoolean()).isFalse();
	}

	@Test
	void holdsEverythingTheSavedStateHoldsPerDevice() throws Exception {
		String id = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		MvcResult r = mvc.perform(get("/api/v1/checkpoints/" + id)).andReturn();
		JsonNode c = body(r);
		assertThat(r.getResponse().getHeader("ETag")).isEqualTo("\"" + c.get("manifest").get("sha256").asString() + "\"");
		assertThat(c.get("config").get("name").asString()).isEqualTo("guest-1");
		assertThat(c.get("manifest").get("formatVersion").asInt()).isEqualTo(SavedDomain.FORMAT_VERSION);
		assertThat(c.get("manifest").get("parts").findValuesAsString("name")).containsExactly("config",
				"device/vbd/51712", "device/vif/0", "memory");
		JsonNode vbd = c.get("devices").get(0);
		assertThat(vbd.get("frontendState").asString()).isEqualTo("Connected");
		assertThat(vbd.get("rings").get(0).get("name").asString()).isEqualTo("ring");
		assertThat(vbd.get("rings").get(0).get("reqProd").asLong()).isEqualTo(7);
		assertThat(vbd.get("grants").size()).isEqualTo(4);
		assertThat(vbd.get("shadowCount").asInt()).isEqualTo(3);
		assertThat(vbd.get("shadow").size()).isEqualTo(3);
		assertThat(vbd.get("evtchnPorts").size()).isEqualTo(1);
		assertThat(vbd.get("backendInfo").get("sectors").asString()).isEqualTo("65536");
		assertThat(c.get("devices").get(1).get("rings").findValuesAsString("name")).containsExactly("tx", "rx");
		assertThat(vbd.get("parts").properties()).extracting(e -> e.getKey() + "=" + e.getValue().asString())
			.containsExactly("rings=PRESENT", "grants=PRESENT", "shadow=PRESENT", "driverState=PRESENT");
		JsonNode integrity = call(get("/api/v1/checkpoints/" + id + "/integrity"), 200);
		assertThat(integrity.get("ok").asBoolean()).isTrue();
		assertThat(integrity.get("parts").findValuesAsString("name")).contains("manifest");
	}

	@Test
	void saysWhichPartsTheAdaptersSaveImageHoldsInstead() throws Exception {
		hypervisor.holdPartsInSaveImage();
		String id = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		JsonNode c = call(get("/api/v1/checkpoints/" + id), 200);
		for (JsonNode device : c.get("devices")) {
			assertThat(device.get("parts").properties()).extracting(e -> e.getKey() + "=" + e.getValue().asString())
				.containsExactly("rings=HELD_IN_SAVE_IMAGE", "grants=HELD_IN_SAVE_IMAGE", "shadow=HELD_IN_SAVE_IMAGE",
						"driverState=HELD_IN_SAVE_IMAGE");
		}
	}

	@Test
	void refusesACorruptedCheckpointWith422AndChangesNothing() throws Exception {
		UUID id = UUID.fromString(suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString());
		corrupt(id);
		JsonNode domainBefore = call(get("/api/v1/domains/1"), 200);
		int operationsBefore = jdbc.queryForObject("select count(*) from operations", Integer.class);

		JsonNode p = problem(post("/api/v1/domains/1/resume"), 422, "CHECKPOINT_INTEGRITY_FAILED");
		assertThat(p.get("checkpointId").asString()).isEqualTo(id.toString());
		assertThat(p.get("reasons").get(0).asString()).startsWith("device/vbd/51712: SHA-256 mismatch");
		problem(postJson("/api/v1/checkpoints/" + id + "/restore", "{}"), 422, "CHECKPOINT_INTEGRITY_FAILED");

		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isEqualTo(operationsBefore);
		assertThat(jdbc.queryForObject("select count(*) from domain_leases", Integer.class)).isZero();
		assertThat(jdbc.queryForObject("select count(*) from domains", Integer.class)).isEqualTo(1);
		assertThat(call(get("/api/v1/domains/1"), 200)).isEqualTo(domainBefore);
		assertThat(hypervisor.power(1)).isEmpty();
		JsonNode integrity = call(get("/api/v1/checkpoints/" + id + "/integrity"), 200);
		assertThat(integrity.get("ok").asBoolean()).isFalse();
		JsonNode check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("resumable").asBoolean()).isFalse();
		assertThat(check.get("reasons").findValuesAsString("code")).containsExactly("CHECKSUM_MISMATCH");
	}

	@Test
	void restoresACheckpointIntoANewDomainWithNewGrants() throws Exception {
		String id = checkpoint(1).get("checkpointId").asString();
		suspend(1, Guests.SHADOW_REPLAY); // one name, one live domain: not beside the running original
		MvcResult r = mvc.perform(postJson("/api/v1/checkpoints/" + id + "/restore", "{}")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(202);
		JsonNode op = awaitOperation(id(body(r)), "SUCCEEDED", "RESUME_FAILED");
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("kind").asString()).isEqualTo("RESTORE");
		assertThat(op.get("domid").asInt()).isEqualTo(2);
		assertThat(op.get("sourceDomid").asInt()).isEqualTo(1);
		for (JsonNode device : op.get("devices")) {
			assertThat(device.get("allRefsNew").asBoolean()).isTrue();
		}
		JsonNode restored = call(get("/api/v1/domains/2"), 200);
		assertThat(restored.get("state").asString()).isEqualTo("RUNNING");
		assertThat(restored.get("devices").size()).isEqualTo(2);
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		problem(postJson("/api/v1/checkpoints/" + id + "/restore", "{\"targetDomid\": 2}"), 409, "DOMAIN_EXISTS");
	}

	@Test
	void keepsTheNewestCheckpointsPerDomainAndNeverThePinnedOne() throws Exception {
		call(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.content("{\"checkpointRetention\": 2}"), 200);
		for (int i = 0; i < 4; i++) {
			checkpoint(1);
		}
		JsonNode list = call(get("/api/v1/domains/1/checkpoints"), 200);
		assertThat(list.get("totalItems").asLong()).isEqualTo(2);
		// released after the commit that deleted them, once the operation has been answered
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(hypervisor.released)
				.as("storage of the collected checkpoints' 2 x 2 devices")
				.hasSize(4)
				.doesNotHaveDuplicates());
		for (String kept : list.get("items").findValuesAsString("id")) {
			for (JsonNode device : call(get("/api/v1/checkpoints/" + kept), 200).get("devices")) {
				assertThat(hypervisor.released).as("a kept checkpoint's storage")
					.doesNotContain(device.get("backendInfo").get(FakeHypervisor.STORAGE).asString());
			}
		}
		String pinned = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		list = call(get("/api/v1/domains/1/checkpoints?size=10"), 200);
		assertThat(list.get("items").findValuesAsString("id")).contains(pinned);
		assertThat(list.get("items").get(0).get("id").asString()).isEqualTo(pinned);
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("storage").get("checkpoints").asLong()).isEqualTo(list.get("totalItems").asLong());
		long bytes = 0;
		for (JsonNode c : list.get("items")) {
			bytes += c.get("sizeBytes").asLong();
		}
		assertThat(d.get("storage").get("bytes").asLong()).isEqualTo(bytes);
		call(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.content("{\"checkpointRetention\": 1}"), 200);
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isEqualTo(2);
	}

	@Test
	void refusesToDeleteTheCheckpointASuspendedDomainNeeds() throws Exception {
		String pinned = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		problem(delete("/api/v1/checkpoints/" + pinned), 409, "CHECKPOINT_IN_USE");
		resume(1);
		problem(delete("/api/v1/checkpoints/" + pinned).header("If-Match", "\"abc\""), 412, "PRECONDITION_FAILED");
		String etag = mvc.perform(get("/api/v1/checkpoints/" + pinned)).andReturn().getResponse().getHeader("ETag");
		call(delete("/api/v1/checkpoints/" + pinned).header("If-Match", etag), 204);
		problem(get("/api/v1/checkpoints/" + pinned), 404, "CHECKPOINT_NOT_FOUND");
	}

	@Test
	void resumesFromANamedCheckpointOfTheSameDomainOnly() throws Exception {
		createDomain(2);
		String other = checkpoint(2).get("checkpointId").asString();
		String older = checkpoint(1).get("checkpointId").asString();
		suspend(1, Guests.SUSPEND_RESUME);
		problem(postJson("/api/v1/domains/1/resume", "{\"checkpointId\":\"" + other + "\"}"), 422,
				"CHECKPOINT_DOMAIN_MISMATCH");
		JsonNode accepted = call(postJson("/api/v1/domains/1/resume", "{\"checkpointId\":\"" + older + "\"}"), 202);
		JsonNode op = awaitOperation(id(accepted), "SUCCEEDED", "RESUME_FAILED");
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("checkpointId").asString()).isEqualTo(older);
		assertThat(jdbc.queryForObject("select count(*) from checkpoints where pinned", Integer.class)).isZero();
	}

	@Test
	void releasesTheStorageOfSavesNoStoredCheckpointReferences(@Autowired CheckpointStorage storage)
			throws Exception {
		String stored = checkpoint(1).get("checkpointId").asString();
		// a save whose checkpoint was never stored, as when the service dies before PERSIST commits
		hypervisor.quiesce(DomId.of(1), SuspendStrategy.SHADOW_REPLAY, Duration.ofSeconds(5));
		SavedDomain orphan = hypervisor.save(DomId.of(1), Duration.ofSeconds(5));
		hypervisor.thaw(DomId.of(1), Duration.ofSeconds(5));
		List<String> orphanStorage = orphan.devices().stream()
			.map(d -> d.backendInfo().get(FakeHypervisor.STORAGE))
			.toList();

		assertThat(storage.collectUnreferenced()).isEqualTo(2);

		assertThat(hypervisor.released).containsExactlyInAnyOrderElementsOf(orphanStorage);
		assertThat(storage.collectUnreferenced()).as("nothing left to release").isZero();
		for (JsonNode device : call(get("/api/v1/checkpoints/" + stored), 200).get("devices")) {
			assertThat(hypervisor.held).contains(device.get("backendInfo").get(FakeHypervisor.STORAGE).asString());
		}
	}

	private JsonNode checkpoint(int domid) throws Exception {
		JsonNode accepted = call(postJson("/api/v1/domains/" + domid + "/checkpoints", Guests.SHADOW_REPLAY), 202);
		return awaitOperation(id(accepted), "SUCCEEDED", "ROLLED_BACK", "FAILED");
	}

	private void corrupt(UUID checkpoint) {
		byte[] bytes = jdbc.queryForObject(
				"select state_bytes from checkpoint_devices where checkpoint_id = ? and device_type = 'vbd'", byte[].class,
				checkpoint);
		bytes[bytes.length / 2] ^= 0x5a;
		jdbc.update("update checkpoint_devices set state_bytes = ? where checkpoint_id = ? and device_type = 'vbd'",
				bytes, checkpoint);
	}

}
