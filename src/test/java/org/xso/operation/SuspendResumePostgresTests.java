package org.xso.operation;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link SuspendResumeTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class SuspendResumePostgresTests extends SuspendResumeTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "suspendresume");
	}

}
