package org.xso.events;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Something that happened which clients can follow on {@code GET /api/v1/events}. A feature
 * publishes a record implementing this through the {@code ApplicationEventPublisher}; the record's
 * components are the event's {@code data}. Events published inside a transaction are recorded only
 * if it commits. Every event names the principal that caused it (see {@link #principal()}).
 */
public interface StreamEvent {

	/** The SSE event name, e.g. {@code xenbus.state}, {@code domain.state}, {@code operation}. */
	String eventType();

	/** The domain it concerns, for filtering; null for host-wide events. */
	@Nullable
	Integer eventDomid();

	default @Nullable UUID eventOperationId() {
		return null;
	}

	/**
	 * Who caused it: the {@code requestedBy} of the operation that made it, the caller of the
	 * request that made it directly, or {@code system} for what the service (or the hypervisor) did
	 * by itself. A record that carries it has a component of this name; the event log keeps it in a
	 * column of its own.
	 */
	String principal();

}
