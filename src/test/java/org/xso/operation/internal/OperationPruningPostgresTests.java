package org.xso.operation.internal;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xso.support.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@link OperationPruningTests} again on a real PostgreSQL (Testcontainers, or the local server in
 * CI), where each batch takes its rows FOR UPDATE SKIP LOCKED.
 */
class OperationPruningPostgresTests extends OperationPruningTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "pruning");
	}

	@Test
	void vacuumsTheTablesItDeletesFromWhenTheServersAutovacuumIsOff() {
		// the CI server runs with autovacuum off, a Testcontainers server with it on (then nothing runs)
		assertThatCode(pruner::vacuumWithoutAutovacuum).doesNotThrowAnyException();
	}

}
