package org.xso.support;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.awaitility.Awaitility.await;

/** Test helpers over the schema. */
public final class Database {

	private Database() {
	}

	/** Waits until no operation is pending or running (so a test does not clean under a worker). */
	public static void awaitQuiet(JdbcTemplate jdbc) {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> jdbc.queryForObject(
					"select count(*) from operations where state in ('PENDING', 'RUNNING')", Integer.class) == 0);
	}

	public static void clear(JdbcTemplate jdbc) {
		for (String table : new String[] { "operation_epochs", "operations",
				"checkpoint_rings", "checkpoint_devices", "checkpoint_images", "checkpoints",
				"domain_leases", "domain_devices", "domains" }) {
			jdbc.update("delete from " + table);
		}
	}

}
