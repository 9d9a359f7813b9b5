package org.xso.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapsId;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

/**
 * One device of a checkpoint: the queryable copy of its saved state (xenbus states, evtchn ports,
 * features, backend info, rings, grants) and the authoritative canonical bytes with their SHA-256.
 */
@Entity
@Table(name = "checkpoint_devices")
class CheckpointDevice {

	@EmbeddedId
	private CheckpointDeviceId id;

	@MapsId("checkpointId")
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "checkpoint_id")
	private Checkpoint checkpoint;

	@Column(name = "backend_domid", nullable = false)
	private int backendDomid;

	@Column(name = "frontend_state", nullable = false, length = 16)
	private String frontendState;

	@Column(name = "backend_state", nullable = false, length = 16)
	private String backendState;

	@Column(name = "evtchn_ports", nullable = false, length = 512)
	private String evtchnPorts;

	@Column(name = "features", nullable = false, length = 8192)
	private String features;

	@Column(name = "backend_info", nullable = false, length = 8192)
	private String backendInfo;

	@Column(name = "shadow_count", nullable = false)
	private int shadowCount;

	@Column(name = "state_bytes", nullable = false)
	private byte[] stateBytes;

	@Column(name = "sha256", nullable = false, length = 64)
	private String sha256;

	/** The parts ({@link org.xso.hypervisor.SavedPart} names, comma-separated) the memory image holds instead. */
	@Column(name = "held_in_save_image", nullable = false, length = 64)
	private String heldInSaveImage;

	@ElementCollection
	@CollectionTable(name = "checkpoint_rings", joinColumns = {
			@JoinColumn(name = "checkpoint_id", referencedColumnName = "checkpoint_id"),
			@JoinColumn(name = "device_type", referencedColumnName = "device_type"),
			@JoinColumn(name = "devid", referencedColumnName = "devid") })
	@OrderColumn(name = "ordinal")
	private List<RingRow> rings = new ArrayList<>();

	/** The grant entries, packed ({@link GrantEntries}): one column, not a row per entry. */
	@Column(name = "grant_entries", nullable = false, length = 1000000)
	private String grantEntries;

	protected CheckpointDevice() {
		this.id = new CheckpointDeviceId(new java.util.UUID(0, 0), "", 0);
		this.checkpoint = new Checkpoint();
		this.frontendState = "";
		this.backendState = "";
		this.evtchnPorts = "";
		this.features = "{}";
		this.backendInfo = "{}";
		this.stateBytes = new byte[0];
		this.sha256 = "";
		this.heldInSaveImage = "";
		this.grantEntries = "";
	}

	CheckpointDevice(Checkpoint checkpoint, Rows rows, byte[] stateBytes, String sha256) {
		this.checkpoint = checkpoint;
		this.id = new CheckpointDeviceId(checkpoint.id(), rows.deviceType(), rows.devid());
		this.backendDomid = rows.backendDomid();
		this.frontendState = rows.frontendState();
		this.backendState = rows.backendState();
		this.evtchnPorts = rows.evtchnPorts();
		this.features = rows.featuresJson();
		this.backendInfo = rows.backendInfoJson();
		this.shadowCount = rows.shadowCount();
		this.rings = new ArrayList<>(rows.rings());
		this.grantEntries = rows.grantEntries();
		this.stateBytes = stateBytes.clone();
		this.sha256 = sha256;
		this.heldInSaveImage = rows.heldInSaveImage();
	}

	/** The relational copy of a device's saved state. */
	record Rows(String deviceType, int devid, int backendDomid, String frontendState, String backendState,
			String evtchnPorts, String featuresJson, String backendInfoJson, int shadowCount, List<RingRow> rings,
			String grantEntries, String heldInSaveImage) {
	}

	UUID checkpointId() {
		return id.checkpointId();
	}

	String deviceType() {
		return id.deviceType();
	}

	int devid() {
		return id.devid();
	}

	String partName() {
		return "device/" + id.deviceType() + "/" + id.devid();
	}

	int backendDomid() {
		return backendDomid;
	}

	String frontendState() {
		return frontendState;
	}

	String backendState() {
		return backendState;
	}

	String evtchnPorts() {
		return evtchnPorts;
	}

	String features() {
		return features;
	}

	String backendInfo() {
		return backendInfo;
	}

	int shadowCount() {
		return shadowCount;
	}

	byte[] stateBytes() {
		return stateBytes.clone();
	}

	long sizeBytes() {
		return stateBytes.length;
	}

	String sha256() {
		return sha256;
	}

	String heldInSaveImage() {
		return heldInSaveImage;
	}

	List<RingRow> rings() {
		return rings;
	}

	String grantEntries() {
		return grantEntries;
	}

}
