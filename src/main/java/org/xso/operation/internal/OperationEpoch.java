package org.xso.operation.internal;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;
import org.xso.operation.OperationViews;
import org.xso.persistence.AssignedIdEntity;

/**
 * One epoch of periodic checkpointing and what it cost: the time in each step, how long the guest
 * was paused (quiesce, save and thaw: its checkpoint is persisted after the thaw), the
 * checkpoint's size, and whether it was incremental with the guest content it held. Appended, never
 * rewritten.
 */
@Entity
@Table(name = "operation_epochs")
class OperationEpoch extends AssignedIdEntity<OperationEpoch.Key> {

	@Embeddable
	record Key(@Column(name = "operation_id") UUID operationId, @Column(name = "epoch") int epoch)
			implements Serializable {
	}

	@EmbeddedId
	private Key key;

	@Column(name = "checkpoint_id")
	private @Nullable UUID checkpointId;

	@Column(name = "started_at", nullable = false)
	private Instant startedAt;

	@Column(name = "quiesce_ms", nullable = false)
	private long quiesceMs;

	@Column(name = "save_ms", nullable = false)
	private long saveMs;

	@Column(name = "persist_ms", nullable = false)
	private long persistMs;

	@Column(name = "thaw_ms", nullable = false)
	private long thawMs;

	@Column(name = "paused_ms", nullable = false)
	private long pausedMs;

	@Column(name = "size_bytes", nullable = false)
	private long sizeBytes;

	@Column(nullable = false)
	private boolean incremental;

	@Column(name = "content_bytes", nullable = false)
	private long contentBytes;

	@Override
	public Key getId() {
		return this.key;
	}

	protected OperationEpoch() {
		this.key = new Key(new UUID(0, 0), 0);
		this.startedAt = Instant.EPOCH;
	}

	OperationEpoch(UUID operationId, int epoch, @Nullable UUID checkpointId, Instant startedAt, Timings t,
			long sizeBytes, boolean incremental, long contentBytes) {
		this.key = new Key(operationId, epoch);
		this.checkpointId = checkpointId;
		this.startedAt = startedAt;
		this.quiesceMs = t.quiesceMs();
		this.saveMs = t.saveMs();
		this.persistMs = t.persistMs();
		this.thawMs = t.thawMs();
		this.pausedMs = t.quiesceMs() + t.saveMs() + t.thawMs(); // persisted after the thaw
		this.sizeBytes = sizeBytes;
		this.incremental = incremental;
		this.contentBytes = contentBytes;
	}

	/** Milliseconds per step of one epoch. */
	record Timings(long quiesceMs, long saveMs, long persistMs, long thawMs) {
	}

	/**
	 * The steps of an epoch during which the guest was paused, in milliseconds, and the nanoseconds
	 * from the thaw until the checkpoint is written: the wait for the epoch writer and the
	 * hypervisor's write of what the capture held back (disk chunks).
	 */
	record Captured(long quiesceMs, long saveMs, long thawMs, long storageNanos) {

		/** With the time the checkpoint took to write: the persist is both writes, the commit excluded. */
		Timings persisted(long checkpointNanos) {
			return new Timings(quiesceMs, saveMs, (storageNanos + checkpointNanos) / 1_000_000, thawMs);
		}

	}

	UUID operationId() {
		return key.operationId();
	}

	int epoch() {
		return key.epoch();
	}

	/** As an operation's view shows it. */
	OperationViews.EpochView view() {
		return new OperationViews.EpochView(epoch(), checkpointId, startedAt, quiesceMs, saveMs, persistMs, thawMs,
				pausedMs, sizeBytes, incremental, contentBytes);
	}

	@Nullable
	UUID checkpointId() {
		return checkpointId;
	}

	Instant startedAt() {
		return startedAt;
	}

	long quiesceMs() {
		return quiesceMs;
	}

	long saveMs() {
		return saveMs;
	}

	long persistMs() {
		return persistMs;
	}

	long thawMs() {
		return thawMs;
	}

	long pausedMs() {
		return pausedMs;
	}

	long sizeBytes() {
		return sizeBytes;
	}

	/** Whether the epoch's checkpoint holds only what changed since the epoch before. */
	boolean incremental() {
		return incremental;
	}

	/** The guest content (memory pages, disk chunks) the epoch's capture held. */
	long contentBytes() {
		return contentBytes;
	}

}
