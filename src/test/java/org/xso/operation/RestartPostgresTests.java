package org.xso.operation;

import java.util.Map;

import org.xso.support.PostgresDatabase;

/** {@link RestartScenarios} on PostgreSQL: each test a fresh schema shared by its two contexts. */
class RestartPostgresTests extends RestartScenarios {

	@Override
	Map<String, String> database() {
		return PostgresDatabase.properties("restart");
	}

}
