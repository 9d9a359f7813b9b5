package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operation's phases and per-device outcome move from the tables {@code operation_phases} and
 * {@code operation_devices} (a row each) into two JSON columns of its own row, {@code phases} and
 * {@code devices}: a phase boundary writes one row, a read is one row. Every stored operation keeps
 * its phases and devices, in order, on both databases; then the two tables go. Java rather than SQL
 * because the two databases build JSON differently, and the column's format is what the service
 * reads back (the members of its records, instants in ISO-8601).
 */
public class V8__Operation_progress_in_its_row extends BaseJavaMigration {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int BATCH = 500;

	@Override
	public void migrate(Context context) throws Exception {
		Connection c = context.getConnection();
		try (Statement s = c.createStatement()) {
			s.execute("ALTER TABLE operations ADD COLUMN phases VARCHAR");
			s.execute("ALTER TABLE operations ADD COLUMN devices VARCHAR");
		}
		copy(c, "SELECT operation_id, phase, state, progress, started_at, finished_at FROM operation_phases"
				+ " ORDER BY operation_id, ordinal", "phases", V8__Operation_progress_in_its_row::phase);
		copy(c, "SELECT operation_id, device_type, devid, drained, shadowed, queued, replayed, reissued, dropped,"
				+ " ring_torn_down, refs_before, refs_after, features_lost FROM operation_devices"
				+ " ORDER BY operation_id, ordinal", "devices", V8__Operation_progress_in_its_row::device);
		try (Statement s = c.createStatement()) {
			s.execute("UPDATE operations SET phases = '[]' WHERE phases IS NULL");
			s.execute("UPDATE operations SET devices = '[]' WHERE devices IS NULL");
			s.execute("ALTER TABLE operations ALTER COLUMN phases SET NOT NULL");
			s.execute("ALTER TABLE operations ALTER COLUMN devices SET NOT NULL");
			s.execute("DROP TABLE operation_phases");
			s.execute("DROP TABLE operation_devices");
		}
	}

	private interface Row {

		Map<String, Object> read(ResultSet rs) throws SQLException;

	}

	/** Reads the rows in operation order and writes each operation's list as one JSON array. */
	private static void copy(Connection c, String select, String column, Row row) throws SQLException {
		try (Statement s = c.createStatement(); PreparedStatement update = c
			.prepareStatement("UPDATE operations SET " + column + " = ? WHERE id = ?")) {
			s.setFetchSize(BATCH);
			Object current = null;
			List<Map<String, Object>> items = new ArrayList<>();
			int pending = 0;
			try (ResultSet rs = s.executeQuery(select)) {
				while (rs.next()) {
					Object id = rs.getObject(1);
					if (current != null && !current.equals(id)) {
						pending = add(update, current, items, pending);
						items = new ArrayList<>();
					}
					current = id;
					items.add(row.read(rs));
				}
			}
			if (current != null) {
				pending = add(update, current, items, pending);
			}
			if (pending > 0) {
				update.executeBatch();
			}
		}
	}

	private static int add(PreparedStatement update, Object id, List<Map<String, Object>> items, int pending)
			throws SQLException {
		update.setString(1, JSON.writeValueAsString(items));
		update.setObject(2, id);
		update.addBatch();
		if (pending + 1 == BATCH) {
			update.executeBatch();
			return 0;
		}
		return pending + 1;
	}

	private static Map<String, Object> phase(ResultSet rs) throws SQLException {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("phase", rs.getString("phase"));
		m.put("state", rs.getString("state"));
		m.put("progress", rs.getInt("progress"));
		putInstant(m, "startedAt", rs.getObject("started_at", OffsetDateTime.class));
		putInstant(m, "finishedAt", rs.getObject("finished_at", OffsetDateTime.class));
		return m;
	}

	private static Map<String, Object> device(ResultSet rs) throws SQLException {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("deviceType", rs.getString("device_type"));
		m.put("devid", rs.getInt("devid"));
		for (String counter : new String[] { "drained", "shadowed", "queued", "replayed", "reissued", "dropped" }) {
			m.put(counter, rs.getLong(counter));
		}
		m.put("ringTornDown", rs.getBoolean("ring_torn_down"));
		m.put("refsBefore", rs.getString("refs_before"));
		m.put("refsAfter", rs.getString("refs_after"));
		m.put("featuresLost", rs.getString("features_lost"));
		return m;
	}

	private static void putInstant(Map<String, Object> m, String key, OffsetDateTime at) {
		if (at != null) {
			m.put(key, at.toInstant().toString());
		}
	}

}
