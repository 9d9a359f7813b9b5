package org.xso.operation;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link PeriodicCheckpointTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class PeriodicCheckpointPostgresTests extends PeriodicCheckpointTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "periodiccheckpoint");
	}

}
