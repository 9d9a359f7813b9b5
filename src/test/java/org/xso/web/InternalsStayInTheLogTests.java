package org.xso.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.h2.api.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A failure's own words (a statement the database refused, a file the hypervisor could not open, an
 * exception's class) are the operator's, not the client's: the problem a request gets, and the
 * {@code error} an operation stores, say what failed in the service's terms, and the service log
 * keeps the rest with the problem's instance or operation id.
 */
@ExtendWith(OutputCaptureExtension.class)
class InternalsStayInTheLogTests extends IntegrationTest {

	private static final String STATEMENT = "insert into %s (domid, name) values (7, 'guest-7')";

	private static final String DATABASE_FILE = "/var/lib/xso/data/xso.mv.db";

	private static final String SAVE_IMAGE = "/var/lib/xso/state/dom1.save";

	private static final String SNAPSHOT_FILE = "/var/lib/xso/disks/3f2a9c1e.vdisk";

	/** Absolute file paths: a slash, then at least two segments. */
	private static final Pattern FILE_PATH = Pattern.compile("(^|[\\s'\"(=:])/[\\w.-]+/[\\w./-]+");

	private static final List<String> INTERNALS = List.of("insert into", "select ", " from ", "values (", "sql",
			"jdbc", "h2", "hibernate", "at org.", "at java.", "exception", "org.xso", "java.", "/var/", ".mv.db",
			".save", ".vdisk", ".img", "caused by");

	/** Refuses every row with a message that quotes a statement and a file, as a database may. */
	public static final class Refuse implements Trigger {

		private String table = "?";

		@Override
		public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
				int type) {
			this.table = tableName;
		}

		@Override
		public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
			throw new SQLException(STATEMENT.formatted(table) + " failed: " + DATABASE_FILE + " is read-only", "25006");
		}

	}

	@AfterEach
	void dropTriggers() {
		jdbc.execute("drop trigger if exists refuse_domains");
		jdbc.execute("drop trigger if exists refuse_checkpoints");
	}

	@Test
	void answersADatabaseFailureWithoutItsStatementOrFile(CapturedOutput output) throws Exception {
		refuseInserts("domains");
		JsonNode p = problem(postJson("/api/v1/domains", Guests.json(7)), 500, "INTERNAL_ERROR");
		assertNoInternals(p);
		assertThat(jdbc.queryForObject("select count(*) from domains", Integer.class)).isZero();
		assertThat(hypervisor.guests()).isEmpty();
		assertThat(output.getAll()).contains("Unexpected failure on POST \"/api/v1/domains\"", DATABASE_FILE);
	}

	@Test
	void storesADatabaseFailureOfAnOperationWithoutItsStatementOrFile(CapturedOutput output) throws Exception {
		createDomain(1);
		refuseInserts("checkpoints");
		JsonNode op = awaitOperation(id(call(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 202)),
				"ROLLED_BACK", "FAILED", "SUCCEEDED");
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("INTERNAL_ERROR");
		assertNoInternals(op.get("error"));
		assertNoInternals(storedError(id(op)));
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
		assertThat(output.getAll()).contains("Operation " + id(op) + " ends ROLLED_BACK with INTERNAL_ERROR",
				DATABASE_FILE);
	}

	@Test
	void answersAHypervisorFailureNamingAFileInTheServicesWords(CapturedOutput output) throws Exception {
		createDomain(1);
		String image = "/var/lib/xen/images/guest-1-xvdb.img";
		hypervisor.failNextWith(Call.ATTACH, new HypervisorException(HypervisorException.Reason.INTERNAL,
				"cannot open " + image, new IOException(image + ": Permission denied")));
		JsonNode p = problem(postJson("/api/v1/domains/1/devices",
				"{\"type\":\"vbd\",\"devid\":51728,\"sectors\":2048}"), 502, "HYPERVISOR_ERROR");
		assertNoInternals(p);
		assertThat(p.get("detail").asString()).isEqualTo("the hypervisor failed; the service log has the details");
		assertThat(output.getAll()).contains("502 HYPERVISOR_ERROR on POST \"/api/v1/domains/1/devices\"",
				"cannot open " + image, image + ": Permission denied");
	}

	@Test
	void storesAHypervisorFailureOfAnOperationInTheServicesWords(CapturedOutput output) throws Exception {
		createDomain(1);
		hypervisor.failNextWith(Call.SAVE, new HypervisorException(HypervisorException.Reason.INTERNAL,
				"cannot read the save image " + SAVE_IMAGE, new IOException(SAVE_IMAGE + ": No space left on device")));
		JsonNode op = awaitOperation(id(call(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 202)),
				"ROLLED_BACK", "FAILED", "SUCCEEDED");
		assertThat(op.get("error").get("code").asString()).as(op.toString()).isEqualTo("HYPERVISOR_ERROR");
		assertNoInternals(op.get("error"));
		assertNoInternals(storedError(id(op)));
		assertThat(output.getAll()).contains("Operation " + id(op) + " ends ROLLED_BACK with HYPERVISOR_ERROR",
				"cannot read the save image " + SAVE_IMAGE, "No space left on device");
	}

	@Test
	void storesAnUnexpectedFailureOfAnOperationWithoutItsTypeOrMessage(CapturedOutput output) throws Exception {
		createDomain(1);
		hypervisor.failNextWith(Call.SAVE, new UncheckedIOException(new IOException(SAVE_IMAGE + " vanished")));
		JsonNode op = awaitOperation(id(call(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 202)),
				"ROLLED_BACK", "FAILED", "SUCCEEDED");
		assertThat(op.get("error").get("code").asString()).as(op.toString()).isEqualTo("INTERNAL_ERROR");
		assertNoInternals(op.get("error"));
		assertThat(output.getAll()).contains("Operation " + id(op) + " ends ROLLED_BACK with INTERNAL_ERROR",
				SAVE_IMAGE + " vanished");
	}

	@Test
	void saysWhyAResumeIsBlockedWithoutTheAdaptersFiles() throws Exception {
		createDomain(1);
		suspend(1, Guests.SHADOW_REPLAY);
		hypervisor.blockResumesWith(ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_MISSING, DeviceId.vbd(51712),
				"disk snapshot " + SNAPSHOT_FILE + " is not held by this host"));
		JsonNode check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("reasons").findValuesAsString("code")).containsExactly("STORAGE_MISSING");
		assertThat(check.get("reasons").get(0).get("detail").asString())
			.isEqualTo("vbd/51712: storage the checkpoint refers to is not held by this host");
		assertNoInternals(check);
		JsonNode op = awaitOperation(id(call(post("/api/v1/domains/1/resume"), 202)), "RESUME_FAILED", "SUCCEEDED");
		assertThat(op.get("error").get("code").asString()).as(op.toString()).isEqualTo("CHECKPOINT_NOT_RESUMABLE");
		assertNoInternals(op.get("error"));
		assertNoInternals(storedError(id(op)));
	}

	private void refuseInserts(String table) {
		jdbc.execute("create trigger refuse_" + table + " before insert on " + table + " for each row call \""
				+ Refuse.class.getName() + "\"");
	}

	private JsonNode storedError(String operationId) throws Exception {
		String stored = jdbc.queryForObject("select error_problem from operations where id = ?", String.class,
				java.util.UUID.fromString(operationId));
		assertThat(stored).isNotNull();
		return json.readTree(stored);
	}

	/** No statement, file, class or stack frame anywhere but in {@code instance} (the request's own path). */
	private static void assertNoInternals(JsonNode body) {
		JsonNode shown = body.deepCopy();
		if (shown instanceof ObjectNode o) {
			o.remove("instance");
		}
		String text = shown.toString();
		assertThat(text.toLowerCase(Locale.ROOT)).as(text).doesNotContain(INTERNALS);
		assertThat(FILE_PATH.matcher(text).find()).as(text).isFalse();
	}

}
