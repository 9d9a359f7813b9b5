package org.xso.host;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.xso.support.Instance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stopping instance records that its host stopped, but waits a bounded time for the connection to
 * do it: with none to be had (here the test holds every pooled connection, as when the database
 * stopped answering), the context closes without waiting the pool's 60 s and the record is given up;
 * with connections to be had, it is written. (The test JVM outlived surefire's 30 s when the
 * PostgreSQL container went away before the cached contexts closed.)
 */
class HostStopRecordTests {

	@Test
	void aServiceWhoseDatabaseGivesNoConnectionStillStopsPromptly() throws Exception {
		String url = url("shutdown-starved");
		ConfigurableApplicationContext context = start(url);
		DataSource dataSource = context.getBean(DataSource.class);
		List<Connection> held = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				held.add(dataSource.getConnection()); // the whole pool
			}
			long started = System.nanoTime();
			context.close();
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			// the pool's own wait is 60 s here
			assertThat(took).as("time to close").isLessThan(Duration.ofSeconds(40));
		}
		finally {
			for (Connection c : held) {
				c.close();
			}
		}
		assertThat(stoppedAt(url)).as("the host's stop record, given up").isNull();
	}

	@Test
	void aServiceWithConnectionsRecordsThatItsHostStopped() throws Exception {
		String url = url("shutdown-normal");
		start(url).close();
		assertThat(stoppedAt(url)).as("the host's stop record").isNotNull();
	}

	private static ConfigurableApplicationContext start(String url) {
		Map<String, Object> props = new HashMap<>();
		props.put("spring.datasource.url", url);
		props.put("spring.datasource.hikari.maximum-pool-size", "2");
		props.put("spring.datasource.hikari.connection-timeout", "60000");
		props.put("server.port", "0");
		props.put("xso.hypervisor", "fake");
		props.put("xso.demo.enabled", "false");
		props.put("xso.operations.shutdown-grace", "PT0S");
		// a scheduled job that started while the test held the pool waits for a connection too, and
		// the scheduler's stop waits for it up to a phase's timeout (30 s by default): bounded here,
		// so that only the stop record's own wait is measured
		props.put("spring.lifecycle.timeout-per-shutdown-phase", "PT5S");
		return Instance.start(props).context();
	}

	private static String url(String name) {
		return "jdbc:h2:mem:" + name + System.nanoTime()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
	}

	private static Object stoppedAt(String url) throws SQLException {
		try (Connection c = DriverManager.getConnection(url, "sa", "");
				ResultSet rs = c.createStatement().executeQuery("SELECT stopped_at FROM hosts")) {
			assertThat(rs.next()).as("the host's row").isTrue();
			return rs.getObject(1);
		}
	}

}
