package org.xso.operation;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link CompensationTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class CompensationPostgresTests extends CompensationTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "compensation");
	}

}
