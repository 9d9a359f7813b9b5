package org.xso.checkpoint;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link CheckpointTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class CheckpointPostgresTests extends CheckpointTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "checkpoint");
	}

}
