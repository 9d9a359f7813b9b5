package org.xso.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of the service's PostgreSQL schema and of its process, as a sustained run samples them:
 * the database's size, each table's size with its TOAST data and indexes, the rows of the tables
 * that grow with traffic, the bytes the live checkpoint images hold (against what their table
 * occupies), dead tuples and the last autovacuum of the images' TOAST table, large objects, and
 * the resident set of this JVM (the service runs in it, with the driver).
 */
record DatabaseFigures(String url, String user, String password, String schema) {

	static final List<String> TABLES = List.of("operations", "operation_epochs", "checkpoints", "checkpoint_images",
			"checkpoint_devices", "checkpoint_rings", "event_log", "domains", "domain_leases");

	Map<String, Object> sample() throws SQLException {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("rssMiB", rssMiB());
		try (Connection c = ServiceUnderTest.connect(url, user, password)) {
			m.put("databaseMiB", mib(single(c, "select pg_database_size(current_database())")));
			long schemaBytes = 0;
			Map<String, Object> tables = new LinkedHashMap<>();
			for (String t : TABLES) {
				long bytes = single(c, "select pg_total_relation_size(to_regclass(?))", schema + "." + t);
				schemaBytes += bytes;
				tables.put(t, mib(bytes));
			}
			m.put("schemaMiB", mib(schemaBytes));
			m.put("tableMiB", tables);
			m.put("operations", single(c, "select count(*) from " + schema + ".operations"));
			m.put("operationsEnded", single(c, "select count(*) from " + schema + ".operations where finished_at is not null"));
			m.put("checkpoints", single(c, "select count(*) from " + schema + ".checkpoints"));
			m.put("eventRows", single(c, "select count(*) from " + schema + ".event_log"));
			m.put("liveImageMiB", mib(single(c, "select coalesce(sum(octet_length(memory_image)), 0) from " + schema
					+ ".checkpoint_images")));
			m.put("orphanImages", single(c, "select count(*) from " + schema + ".checkpoint_images i where not exists"
					+ " (select 1 from " + schema + ".checkpoints k where k.id = i.checkpoint_id)"));
			m.put("checkpointsOfNoDomain", single(c, "select count(*) from " + schema + ".checkpoints k where not exists"
					+ " (select 1 from " + schema + ".domains d where d.domid = k.domid)"));
			m.put("largeObjects", single(c, "select count(*) from pg_largeobject_metadata"));
			try (PreparedStatement s = c.prepareStatement("select t.n_live_tup, t.n_dead_tup, t.autovacuum_count,"
					+ " t.last_autovacuum from pg_stat_all_tables t join pg_class r on r.reltoastrelid = t.relid"
					+ " where r.oid = to_regclass(?)")) {
				s.setString(1, schema + ".checkpoint_images");
				try (ResultSet r = s.executeQuery()) {
					if (r.next()) {
						Map<String, Object> toast = new LinkedHashMap<>();
						toast.put("liveChunks", r.getLong(1));
						toast.put("deadChunks", r.getLong(2));
						toast.put("autovacuums", r.getLong(3));
						toast.put("lastAutovacuum", String.valueOf(r.getTimestamp(4)));
						m.put("imagesToast", toast);
					}
				}
			}
		}
		return m;
	}

	private static long single(Connection c, String sql, Object... args) throws SQLException {
		try (PreparedStatement s = c.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				s.setObject(i + 1, args[i]);
			}
			try (ResultSet r = s.executeQuery()) {
				r.next();
				return r.getLong(1);
			}
		}
	}

	static double mib(long bytes) {
		return Stats.round(bytes / 1048576.0);
	}

	/** This JVM's resident set (VmRSS), MiB; NaN where /proc is not there. */
	static double rssMiB() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Stats.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
				}
			}
		}
		catch (java.io.IOException | NumberFormatException e) {
			// not Linux
		}
		return Double.NaN;
	}

}
