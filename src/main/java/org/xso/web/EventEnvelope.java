package org.xso.web;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.jspecify.annotations.Nullable;

/**
 * The JSON {@code data} of an SSE frame: the log entry's metadata (with the principal that caused
 * the event) around the event's own fields.
 */
record EventEnvelope(long id, String type, Instant at, @Nullable Integer domid, @Nullable UUID operationId,
		String principal, @JsonRawValue String data) {

	static EventEnvelope of(EventLogEntry e) {
		return new EventEnvelope(e.id(), e.type(), e.occurredAt(), e.domid(), e.operationId(), e.principal(),
				e.payload());
	}

}
