package org.xso.checkpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.persistence.AssignedIdEntity;

/**
 * The checkpoint aggregate: header, manifest checksums and the device rows. What it restores to
 * never changes once stored; what does: whether it is pinned, and how an incremental one is held
 * (chain compaction makes it a full one, with a new memory image and manifest SHA-256, and makes
 * those built on it one link shorter).
 */
@Entity
@Table(name = "checkpoints")
public class Checkpoint extends AssignedIdEntity<UUID> {

	@Id
	private UUID id;

	@Column(nullable = false)
	private int domid;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 16)
	private CheckpointKind kind;

	@Column(name = "operation_id")
	private @Nullable UUID operationId;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "format_version", nullable = false)
	private int formatVersion;

	@Column(nullable = false, length = 32)
	private String adapter;

	@Column(name = "source_domid", nullable = false)
	private int sourceDomid;

	@Enumerated(EnumType.STRING)
	@Column(length = 16)
	private @Nullable SuspendStrategy strategy;

	@Column(name = "config_bytes", nullable = false)
	private byte[] configBytes;

	@Column(name = "config_sha256", nullable = false, length = 64)
	private String configSha256;

	@Column(name = "memory_sha256", nullable = false, length = 64)
	private String memorySha256;

	@Column(name = "memory_bytes", nullable = false)
	private long memoryBytes;

	@Column(nullable = false, length = 64)
	private String sha256;

	@Column(name = "size_bytes", nullable = false)
	private long sizeBytes;

	@Column(nullable = false)
	private boolean pinned;

	/** The checkpoint an incremental one builds on; null for a full one. */
	@Column(name = "parent_id")
	private @Nullable UUID parentId;

	/** The manifest SHA-256 of the parent when this one was stored. */
	@Column(name = "parent_sha256", length = 64)
	private @Nullable String parentSha256;

	/** Links down to the full checkpoint of the chain: 0 for a full one. */
	@Column(name = "chain_depth", nullable = false)
	private int chainDepth;

	/** The host that took it and holds what it keeps outside the database (null in rows older than hosts). */
	@Column(name = "host_name", length = 63, updatable = false)
	private @Nullable String hostName;

	@Column(name = "pin_reason", length = 128)
	private @Nullable String pinReason;

	@OneToMany(mappedBy = "checkpoint", cascade = CascadeType.ALL, orphanRemoval = true)
	@OrderBy("id.deviceType, id.devid")
	private List<CheckpointDevice> devices = new ArrayList<>();

	@Override
	public UUID getId() {
		return this.id;
	}

	protected Checkpoint() {
		this.id = new UUID(0, 0);
		this.kind = CheckpointKind.LIVE;
		this.createdAt = Instant.EPOCH;
		this.adapter = "";
		this.configBytes = new byte[0];
		this.configSha256 = "";
		this.memorySha256 = "";
		this.sha256 = "";
	}

	Checkpoint(UUID id, Header header, Instant createdAt, byte[] configBytes, String configSha256,
			String memorySha256, long memoryBytes, String sha256) {
		this.id = id;
		this.domid = header.domid();
		this.kind = header.kind();
		this.operationId = header.operationId();
		this.strategy = header.strategy();
		this.pinned = header.pinReason() != null;
		this.pinReason = header.pinReason();
		this.createdAt = createdAt;
		this.configBytes = configBytes.clone();
		this.configSha256 = configSha256;
		this.memorySha256 = memorySha256;
		this.memoryBytes = memoryBytes;
		this.sha256 = sha256;
		this.sizeBytes = configBytes.length + memoryBytes;
	}

	/** A stored checkpoint as the next incremental one names it: its id, its manifest's SHA-256, its depth. */
	public record Link(UUID id, String sha256, int depth) {
	}

	/** Makes this an incremental checkpoint on top of {@code parent}. */
	void buildsOn(Link parent) {
		this.parentId = parent.id();
		this.parentSha256 = parent.sha256();
		this.chainDepth = parent.depth() + 1;
	}

	/**
	 * This incremental checkpoint becomes a full one (chain compaction): its memory image is now its
	 * chain's resolved into it ({@code memoryBytes} bytes, SHA-256 {@code memorySha256}), and its
	 * manifest's SHA-256 {@code sha256}. Its id, config and devices stay.
	 */
	void standAlone(String memorySha256, long memoryBytes, String sha256) {
		this.sizeBytes += memoryBytes - this.memoryBytes;
		this.memorySha256 = memorySha256;
		this.memoryBytes = memoryBytes;
		this.sha256 = sha256;
		this.parentId = null;
		this.parentSha256 = null;
		this.chainDepth = 0;
	}

	/**
	 * A checkpoint below this one in its chain was compacted: the chain is {@code links} links
	 * shorter, and if it was this one's parent, its manifest's SHA-256 is now {@code parentSha256}.
	 */
	void rebased(int links, @Nullable String parentSha256) {
		this.chainDepth -= links;
		if (parentSha256 != null) {
			this.parentSha256 = parentSha256;
		}
	}

	/** What the caller says about a checkpoint it stores; a non-null {@code pinReason} pins it. */
	public record Header(int domid, CheckpointKind kind, @Nullable UUID operationId,
			@Nullable SuspendStrategy strategy, @Nullable String pinReason) {
	}

	void stamp(int formatVersion, String adapter, int sourceDomid, String host) {
		this.hostName = host;
		this.formatVersion = formatVersion;
		this.adapter = adapter;
		this.sourceDomid = sourceDomid;
	}

	void add(CheckpointDevice device) {
		devices.add(device);
		sizeBytes += device.sizeBytes();
	}

	void pin(String reason) {
		this.pinned = true;
		this.pinReason = reason;
	}

	public UUID id() {
		return id;
	}

	public int domid() {
		return domid;
	}

	public CheckpointKind kind() {
		return kind;
	}

	public @Nullable UUID operationId() {
		return operationId;
	}

	public Instant createdAt() {
		return createdAt;
	}

	public int formatVersion() {
		return formatVersion;
	}

	public String adapter() {
		return adapter;
	}

	public int sourceDomid() {
		return sourceDomid;
	}

	public @Nullable SuspendStrategy strategy() {
		return strategy;
	}

	byte[] configBytes() {
		return configBytes.clone();
	}

	String configSha256() {
		return configSha256;
	}

	String memorySha256() {
		return memorySha256;
	}

	long memoryBytes() {
		return memoryBytes;
	}

	public String sha256() {
		return sha256;
	}

	public long sizeBytes() {
		return sizeBytes;
	}

	public boolean pinned() {
		return pinned;
	}

	public @Nullable String pinReason() {
		return pinReason;
	}

	List<CheckpointDevice> devices() {
		return devices;
	}

	public @Nullable UUID parentId() {
		return parentId;
	}

	@Nullable
	String parentSha256() {
		return parentSha256;
	}

	public int chainDepth() {
		return chainDepth;
	}

	public @Nullable String host() {
		return hostName;
	}

	public Link link() {
		return new Link(id, sha256, chainDepth);
	}

}
