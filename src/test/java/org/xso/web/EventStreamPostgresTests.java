package org.xso.web;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link EventStreamTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class EventStreamPostgresTests extends EventStreamTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "eventstream");
	}

}
