package org.xso.web;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;
import org.xso.audit.Principals;

/** One recorded event: the SSE {@code id} is the row id, so a client resumes with Last-Event-ID. */
@Entity
@Table(name = "event_log")
class EventLogEntry {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "occurred_at", nullable = false)
	private Instant occurredAt;

	@Column(name = "event_type", nullable = false, length = 32)
	private String type;

	@Column(name = "domid")
	private @Nullable Integer domid;

	@Column(name = "operation_id")
	private @Nullable UUID operationId;

	@Column(name = "principal", nullable = false, length = Principals.MAX_LENGTH)
	private String principal;

	@Column(name = "payload", nullable = false, length = 16384)
	private String payload;

	protected EventLogEntry() {
		this.occurredAt = Instant.EPOCH;
		this.type = "";
		this.principal = Principals.SYSTEM;
		this.payload = "{}";
	}

	EventLogEntry(Instant occurredAt, String type, @Nullable Integer domid, @Nullable UUID operationId,
			String principal, String payload) {
		this.occurredAt = occurredAt;
		this.type = type;
		this.domid = domid;
		this.operationId = operationId;
		this.principal = principal;
		this.payload = payload;
	}

	/** The id the database generated when the entry was inserted outside JPA. */
	void stored(long id) {
		if (this.id != null) {
			throw new IllegalStateException("event already stored as " + this.id);
		}
		this.id = id;
	}

	long id() {
		if (id == null) {
			throw new IllegalStateException("event not yet stored");
		}
		return id;
	}

	Instant occurredAt() {
		return occurredAt;
	}

	String type() {
		return type;
	}

	@Nullable
	Integer domid() {
		return domid;
	}

	@Nullable
	UUID operationId() {
		return operationId;
	}

	String principal() {
		return principal;
	}

	String payload() {
		return payload;
	}

}
