package org.xso.operation;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

/** Restarts on an H2 file database, as the embedded default keeps its data under ./data. */
class RestartTests extends RestartScenarios {

	@TempDir
	Path dir;

	@Override
	Map<String, String> database() {
		return Map.of("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("xso").toAbsolutePath()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;RETENTION_TIME=1000");
	}

}
