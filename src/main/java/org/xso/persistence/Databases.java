package org.xso.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

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

}
