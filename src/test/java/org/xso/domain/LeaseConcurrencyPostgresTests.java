package org.xso.domain;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

/** {@link LeaseConcurrencyTests} on PostgreSQL, where the lease's primary key arbitrates the race. */
class LeaseConcurrencyPostgresTests extends LeaseConcurrencyTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "lease");
	}

}
