package org.xso.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.support.Guests;
import org.xso.support.Instance;
import org.xso.support.WorkloadChecks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Portable checkpoints between deployments that share nothing (each its own database and its own
 * simulated host): a suspended guest exported from one is imported and restored on the other and
 * runs on with nothing lost; an archive that was changed, is of a newer format, or comes from another
 * kind of adapter is refused before anything is stored.
 */
class CheckpointArchiveTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@TempDir
	static Path disks;

	static MockMvc source;

	static MockMvc target;

	@BeforeAll
	static void deployments() {
		source = start("source", "sim");
		target = start("target", "sim");
	}

	@AfterAll
	static void stop() {
		contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aGuestSuspendedOnOneDeploymentIsImportedAndRestoredOnAnotherWithNothingLost() throws Exception {
		call(source, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(11)), 201);
		call(source, post("/api/v1/domains/11/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		long issued = WorkloadChecks.awaitIssued(source, 11, 50);
		JsonNode suspend = call(source, post("/api/v1/domains/11/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspend.get("state").asString()).as(suspend.toString()).isEqualTo("SUCCEEDED");
		String checkpoint = suspend.get("checkpointId").asString();

		byte[] archive = export(source, checkpoint);
		Map<String, byte[]> entries = entries(archive);
		assertThat(entries).containsKeys("manifest.json", "config.bin", "memory.img", "devices/vbd-51712.state",
				"devices/vif-0.state", "storage/vbd-51712.disk");
		JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
		assertThat(manifest.get("source").get("host").asString()).isEqualTo("source");
		assertThat(manifest.get("checkpoint").get("id").asString()).isEqualTo(checkpoint);

		JsonNode dryRun = call(target, importing(archive, true), 200);
		assertThat(dryRun.get("importable").asBoolean()).as(dryRun.toString()).isTrue();
		call(target, get("/api/v1/checkpoints/" + checkpoint), 404); // a dry run stores nothing
		JsonNode imported = call(target, importing(archive, false), 201);
		assertThat(imported.get("id").asString()).isEqualTo(checkpoint);
		assertThat(imported.get("host").asString()).isEqualTo("target");
		assertThat(call(target, get("/api/v1/checkpoints/" + checkpoint + "/integrity"), 200).get("ok").asBoolean())
			.isTrue();
		assertThat(call(target, importing(archive, true), 200).get("reasons").toString()).contains("CHECKPOINT_EXISTS");

		JsonNode restore = call(target, post("/api/v1/checkpoints/" + checkpoint + "/restore").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\": 21}"), 200);
		assertThat(restore.get("state").asString()).as(restore.toString()).isEqualTo("SUCCEEDED");
		WorkloadChecks.assertNothingLost(target, 21, issued + 50);
	}

	@Test
	void aChangedArchiveANewerFormatAndAnotherAdaptersCheckpointAreRefusedBeforeAnythingIsStored() throws Exception {
		call(source, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(12)), 201);
		JsonNode live = call(source, post("/api/v1/domains/12/checkpoints").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 200);
		String checkpoint = live.get("checkpointId").asString();
		byte[] archive = export(source, checkpoint);
		long snapshotsBefore = snapshotFiles("target");

		byte[] tampered = rewrite(archive, (name, bytes) -> {
			if (name.equals("memory.img")) {
				bytes[bytes.length / 2] ^= 0x5a;
			}
			return bytes;
		});
		assertRefused(tampered, "CHECKSUM_MISMATCH", "memory: SHA-256 mismatch");

		byte[] newer = rewrite(archive, (name, bytes) -> {
			if (!name.equals("manifest.json")) {
				return bytes;
			}
			ObjectNode m = (ObjectNode) JSON.readTree(bytes);
			m.put("archiveFormat", 2);
			return JSON.writeValueAsBytes(m);
		});
		assertRefused(newer, "ARCHIVE_FORMAT_TOO_NEW", "archive format 2");

		MockMvc other = start("other", "fake");
		call(other, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(13)), 201);
		JsonNode fromFake = call(other, post("/api/v1/domains/13/checkpoints").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 200);
		byte[] foreign = export(other, fromFake.get("checkpointId").asString());
		assertRefused(foreign, "ADAPTER_MISMATCH", "saved by the fake adapter");

		assertThat(call(source, importing("not a zip".getBytes(StandardCharsets.UTF_8), true), 200).get("reasons")
			.toString()).contains("MALFORMED_ARCHIVE");
		assertThat(snapshotFiles("target")).isEqualTo(snapshotsBefore);
	}

	private void assertRefused(byte[] archive, String code, String detail) throws Exception {
		JsonNode check = call(target, importing(archive, true), 200);
		assertThat(check.get("importable").asBoolean()).isFalse();
		assertThat(check.get("reasons").get(0).get("code").asString()).as(check.toString()).isEqualTo(code);
		assertThat(check.get("reasons").get(0).get("detail").asString()).contains(detail);
		JsonNode refused = call(target, importing(archive, false), 422);
		assertThat(refused.get("code").asString()).isEqualTo("CHECKPOINT_NOT_IMPORTABLE");
		assertThat(refused.get("reasons").toString()).contains(code);
		call(target, get("/api/v1/checkpoints/" + check.get("checkpointId").asString()), 404);
	}

	private static long snapshotFiles(String host) throws IOException {
		try (var files = Files.list(disks.resolve(host))) {
			return files.filter(f -> f.getFileName().toString().endsWith(".vdisk")).count();
		}
	}

	private static RequestBuilder importing(byte[] archive, boolean dryRun) {
		return post("/api/v1/checkpoints/" + (dryRun ? "import-check" : "import")).contentType("application/zip")
			.content(archive);
	}

	private static byte[] export(MockMvc mvc, String checkpoint) throws Exception {
		MvcResult started = mvc.perform(get("/api/v1/checkpoints/" + checkpoint + "/export")).andReturn();
		MvcResult done = mvc.perform(asyncDispatch(started)).andReturn();
		assertThat(done.getResponse().getStatus()).isEqualTo(200);
		assertThat(done.getResponse().getHeader("Content-Disposition")).contains("checkpoint-" + checkpoint + ".zip");
		return done.getResponse().getContentAsByteArray();
	}

	private static Map<String, byte[]> entries(byte[] zip) throws IOException {
		Map<String, byte[]> out = new HashMap<>();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				out.put(e.getName(), in.readAllBytes());
			}
		}
		return out;
	}

	private interface Change {

		byte[] apply(String name, byte[] bytes) throws IOException;

	}

	private static byte[] rewrite(byte[] zip, Change change) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
				ZipOutputStream out = new ZipOutputStream(bytes)) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				out.putNextEntry(new ZipEntry(e.getName()));
				out.write(change.apply(e.getName(), in.readAllBytes()));
				out.closeEntry();
			}
		}
		return bytes.toByteArray();
	}

	private static MockMvc start(String host, String adapter) {
		Map<String, Object> props = new HashMap<>();
		props.put("spring.datasource.url", "jdbc:h2:mem:archive-" + host
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
		props.put("server.port", "0");
		props.put("xso.hypervisor", adapter);
		props.put("xso.demo.enabled", "false");
		props.put("xso.host.name", host);
		props.put("xso.instance-id", "xso-" + host);
		props.put("xso.sim.snapshot-dir", disks.resolve(host).toString());
		props.put("xso.operations.shutdown-grace", "PT0S");
		Instance started = Instance.start(props);
		contexts.add(started.context());
		return started.mvc();
	}

	private static JsonNode call(MockMvc mvc, RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		String body = r.getResponse().getContentAsString();
		return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
	}

}
