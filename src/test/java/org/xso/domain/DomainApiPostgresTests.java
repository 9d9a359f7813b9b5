package org.xso.domain;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link DomainApiTests} again on a real PostgreSQL (Testcontainers, or the local server in CI). */
class DomainApiPostgresTests extends DomainApiTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "domainapi");
	}

}
