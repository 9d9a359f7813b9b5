package org.xso.checkpoint;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CheckpointTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class CheckpointPostgresTests extends CheckpointTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "checkpoint");
	}

	@Test
	void storesCheckpointBlobsOutOfLineWithoutCompression() {
		// 'e' = EXTERNAL: no pglz on insert (the vendor migration V3)
		for (String column : new String[] { "checkpoint_images.memory_image", "checkpoint_devices.state_bytes",
				"checkpoints.config_bytes" }) {
			String[] tc = column.split("\\.");
			String storage = jdbc.queryForObject("select a.attstorage::text from pg_attribute a"
					+ " join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace"
					+ " where n.nspname = current_schema() and c.relname = ? and a.attname = ?", String.class, tc[0],
					tc[1]);
			assertThat(storage).as(column).isEqualTo("e");
		}
	}

}
