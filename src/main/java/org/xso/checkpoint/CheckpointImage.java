package org.xso.checkpoint;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/** A checkpoint's memory image: opaque bytes, read only to restore, so kept apart from the header. */
@Entity
@Table(name = "checkpoint_images")
class CheckpointImage implements Persistable<UUID> {

	@Id
	@Column(name = "checkpoint_id")
	private UUID checkpointId;

	@Column(name = "memory_image", nullable = false)
	private byte[] memoryImage;

	/** Not yet stored: a save persists it instead of merging (which would read the row first). */
	@Transient
	private boolean fresh = true;

	@PostLoad
	@PostPersist
	void stored() {
		this.fresh = false;
	}

	@Override
	public UUID getId() {
		return this.checkpointId;
	}

	@Override
	public boolean isNew() {
		return this.fresh;
	}

	protected CheckpointImage() {
		this.checkpointId = new UUID(0, 0);
		this.memoryImage = new byte[0];
	}

	CheckpointImage(UUID checkpointId, byte[] memoryImage) {
		this.checkpointId = checkpointId;
		this.memoryImage = memoryImage;
	}

	byte[] memoryImage() {
		return memoryImage;
	}

}
