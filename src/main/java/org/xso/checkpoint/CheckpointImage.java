package org.xso.checkpoint;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.xso.persistence.AssignedIdEntity;

/** A checkpoint's memory image: opaque bytes, read only to restore, so kept apart from the header. */
@Entity
@Table(name = "checkpoint_images")
class CheckpointImage extends AssignedIdEntity<UUID> {

	@Id
	@Column(name = "checkpoint_id")
	private UUID checkpointId;

	@Column(name = "memory_image", nullable = false)
	private byte[] memoryImage;

	@Override
	public UUID getId() {
		return this.checkpointId;
	}

	protected CheckpointImage() {
		this.checkpointId = new UUID(0, 0);
		this.memoryImage = new byte[0];
	}

	CheckpointImage(UUID checkpointId, byte[] memoryImage) {
		this.checkpointId = checkpointId;
		this.memoryImage = memoryImage;
	}

	/** Chain compaction: the image is now the whole memory its chain resolves to. */
	void replace(byte[] resolved) {
		this.memoryImage = resolved;
	}

	byte[] memoryImage() {
		return memoryImage;
	}

}
