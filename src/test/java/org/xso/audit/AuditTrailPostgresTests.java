package org.xso.audit;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link AuditTrailTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class AuditTrailPostgresTests extends AuditTrailTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "audit");
	}

}
