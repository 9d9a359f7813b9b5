package org.xso.operation.internal;

import java.util.UUID;

import org.springframework.stereotype.Component;
import org.xso.persistence.DatabaseNotifications;

/**
 * The notifications the operation module sends between instances: an operation assigned to a
 * host's instance, and the end of an operation that another instance accepted.
 */
@Component
class HostChannels {

	/** Payload: the name of the host an operation was assigned to. */
	static final String ASSIGNED = "xso_operation_assigned";

	/** Payload: the id of the operation that ended. */
	static final String ENDED = "xso_operation_ended";

	private final DatabaseNotifications notifications;

	HostChannels(DatabaseNotifications notifications) {
		this.notifications = notifications;
	}

	/** In the accepting transaction: host {@code host}'s instance is told at the commit. */
	void assigned(String host) {
		notifications.send(ASSIGNED, host);
	}

	/** In the ending transaction: requests waiting for operation {@code id} on other instances are told. */
	void ended(UUID id) {
		notifications.send(ENDED, id.toString());
	}

}
