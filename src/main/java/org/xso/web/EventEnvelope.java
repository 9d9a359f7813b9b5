package org.xso.web;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.jspecify.annotations.Nullable;

/** The JSON {@code data} of an SSE frame: the log entry's metadata around the event's own fields. */
record EventEnvelope(long id, String type, Instant at, @Nullable Integer domid, @Nullable UUID operationId,
		@JsonRawValue String data) {

	static EventEnvelope of(EventLogEntry e) {
		return new EventEnvelope(e.id(), e.type(), e.occurredAt(), e.domid(), e.operationId(), e.payload());
	}

}
