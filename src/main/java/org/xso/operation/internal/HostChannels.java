package org.xso.operation.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The notifications instances send each other through PostgreSQL ({@code NOTIFY}, delivered when
 * the sending transaction commits, and never if it rolls back): an operation assigned to a host's
 * instance, and the end of an operation that another instance accepted. An embedded database
 * serves one instance: there is no one to tell, and nothing is sent.
 */
@Component
class HostChannels {

	/** Payload: the name of the host an operation was assigned to. */
	static final String ASSIGNED = "xso_operation_assigned";

	/** Payload: the id of the operation that ended. */
	static final String ENDED = "xso_operation_ended";

	private final JdbcClient jdbc;

	private final boolean postgres;

	HostChannels(JdbcTemplate jdbc, DataSource dataSource) {
		this.jdbc = JdbcClient.create(jdbc);
		this.postgres = postgres(dataSource);
	}

	boolean enabled() {
		return postgres;
	}

	/** In the accepting transaction: host {@code host}'s instance is told at the commit. */
	void assigned(String host) {
		send(ASSIGNED, host);
	}

	/** In the ending transaction: requests waiting for operation {@code id} on other instances are told. */
	void ended(UUID id) {
		send(ENDED, id.toString());
	}

	private void send(String channel, String payload) {
		if (postgres) {
			jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", channel).param("payload", payload)
				.query()
				.singleValue();
		}
	}

	private static boolean postgres(DataSource dataSource) {
		try (Connection c = dataSource.getConnection()) {
			DatabaseMetaData meta = c.getMetaData();
			return meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot tell which database this is", e);
		}
	}

}
