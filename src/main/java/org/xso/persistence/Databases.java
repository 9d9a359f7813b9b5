package org.xso.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/** Which database the service runs on, where a feature uses what only one of them has. */
public final class Databases {

	private Databases() {
	}

	/** Whether {@code dataSource} is a PostgreSQL server (else the embedded H2). */
	public static boolean isPostgres(DataSource dataSource) {
		try (Connection c = dataSource.getConnection()) {
			return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot tell which database this is", e);
		}
	}

	/**
	 * A connection of {@code dataSource}, waiting at most {@code wait} for it where the pool can bound
	 * one borrowing (Hikari; at least its 250 ms floor), otherwise as long as the pool waits. For
	 * best-effort writes while the service stops: the pool's own timeout (30 s) is the whole of an
	 * orchestrator's grace period, and a pool's timeout changed at run time only applies at its next
	 * housekeeping round.
	 */
	public static Connection connectionWithin(DataSource dataSource, Duration wait) throws SQLException {
		if (dataSource.isWrapperFor(HikariDataSource.class)
				&& dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean() instanceof HikariPool pool) {
			return pool.getConnection(Math.max(250, wait.toMillis()));
		}
		return dataSource.getConnection();
	}

}
