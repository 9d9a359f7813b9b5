package org.xso.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.AbstractAggregateRoot;
import org.springframework.data.domain.Persistable;
import org.xso.audit.Cause;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;

/**
 * The domain aggregate: a guest's configuration and persisted state. State changes only through
 * the guarded transitions below; each publishes a {@link DomainEvents.DomainStateChanged} when the
 * aggregate is saved, attributed to the {@link Cause} it was given. The version is the domain's
 * entity tag.
 */
@Entity
@Table(name = "domains")
class Domain extends AbstractAggregateRoot<Domain> implements Persistable<Integer> {

	@Id
	private Integer domid;

	@Column(nullable = false, length = 64)
	private String name;

	@Column(name = "memory_mib", nullable = false)
	private int memoryMib;

	@Column(nullable = false)
	private int vcpus;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 16)
	private DomainState state;

	@Column(name = "state_reason", length = 1024)
	private @Nullable String stateReason;

	@Column(name = "suspend_checkpoint_id")
	private @Nullable UUID suspendCheckpointId;

	/** The host whose instance runs the guest (null only in rows older than hosts, until one is claimed). */
	@Column(name = "host_name", length = 63)
	private @Nullable String hostName;

	@Column(name = "checkpoint_retention", nullable = false)
	private int checkpointRetention;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "updated_at", nullable = false)
	private Instant updatedAt;

	@Version
	private @Nullable Long version;

	@OneToMany(cascade = CascadeType.ALL, orphanRemoval = true, fetch = FetchType.EAGER)
	@JoinColumn(name = "domid", nullable = false)
	@OrderBy("type, devid")
	private List<DomainDevice> devices = new ArrayList<>();

	protected Domain() {
		this.domid = 0;
		this.name = "";
		this.state = DomainState.RUNNING;
		this.createdAt = Instant.EPOCH;
		this.updatedAt = Instant.EPOCH;
	}

	private Domain(int domid, String host, GuestSpec spec, DomainState state, int retention, Instant now,
			Cause cause) {
		this.domid = domid;
		this.hostName = host;
		this.name = spec.name();
		this.memoryMib = spec.memoryMiB();
		this.vcpus = spec.vcpus();
		this.state = state;
		this.checkpointRetention = retention;
		this.createdAt = now;
		this.updatedAt = now;
		spec.devices().forEach(d -> devices.add(new DomainDevice(d)));
		registerEvent(new DomainEvents.DomainCreated(domid, spec.name(), state, cause.principal()));
	}

	static Domain running(int domid, String host, GuestSpec spec, int retention, Instant now, Cause cause) {
		return new Domain(domid, host, spec, DomainState.RUNNING, retention, now, cause);
	}

	static Domain restoring(int domid, String host, GuestSpec spec, int retention, Instant now, Cause cause) {
		return new Domain(domid, host, spec, DomainState.RESTORING, retention, now, cause);
	}

	/** RUNNING → SUSPENDED: the guest was saved to {@code checkpoint} and left the hypervisor. */
	void suspended(UUID checkpoint, Instant now, Cause cause) {
		require(DomainState.RUNNING, "suspend");
		this.suspendCheckpointId = checkpoint;
		transition(DomainState.SUSPENDED, "saved to checkpoint " + checkpoint, now, cause);
	}

	/**
	 * SUSPENDED or RESTORING → RUNNING: the guest runs again, each device served where its override
	 * (if any) put it.
	 */
	void resumed(List<BackendOverride> overrides, Instant now, Cause cause) {
		if (state != DomainState.SUSPENDED && state != DomainState.RESTORING) {
			throw new IllegalStateException("cannot resume domain " + domid + " in state " + state);
		}
		for (BackendOverride o : overrides) {
			device(o.id()).ifPresent(d -> d.reconfigure(d.toSpec().with(o)));
		}
		this.suspendCheckpointId = null;
		transition(DomainState.RUNNING, null, now, cause);
	}

	/** RUNNING → PAUSED: the guest's vCPUs were paused; its devices stay connected. */
	void paused(Instant now, Cause cause) {
		require(DomainState.RUNNING, "pause");
		transition(DomainState.PAUSED, null, now, cause);
	}

	/** PAUSED → RUNNING: the paused guest runs on where it stopped. */
	void unpaused(Instant now, Cause cause) {
		require(DomainState.PAUSED, "unpause");
		transition(DomainState.RUNNING, null, now, cause);
	}

	/** A SUSPENDED guest moves to another host, which will resume it (the resume's events say so). */
	void moveTo(String host, Instant now) {
		require(DomainState.SUSPENDED, "move");
		this.hostName = host;
		this.updatedAt = now;
	}

	/** Any → FAULTED: a failure could not be compensated. */
	void faulted(String reason, Instant now, Cause cause) {
		transition(DomainState.FAULTED, reason, now, cause);
	}

	/** FAULTED → RUNNING: the hypervisor shows the guest running with its devices connected. */
	void recovered(String reason, Instant now, Cause cause) {
		require(DomainState.FAULTED, "recover");
		transition(DomainState.RUNNING, reason, now, cause);
	}

	void attach(DeviceSpec spec, Instant now, String principal) {
		if (device(spec.id()).isPresent()) {
			throw new IllegalStateException("device " + spec.id() + " exists on domain " + domid);
		}
		devices.add(new DomainDevice(spec));
		registerEvent(new DomainEvents.DeviceAttached(domid, spec.id().type(), spec.id().devid(), principal));
		this.updatedAt = now;
	}

	void detach(DeviceId id, Instant now, String principal) {
		devices.removeIf(d -> d.deviceId().equals(id));
		registerEvent(new DomainEvents.DeviceDetached(domid, id.type(), id.devid(), principal));
		this.updatedAt = now;
	}

	void retention(int keep, Instant now, String principal) {
		if (keep < 1) {
			throw new IllegalArgumentException("retention must be >= 1: " + keep);
		}
		this.checkpointRetention = keep;
		this.updatedAt = now;
		registerEvent(new DomainEvents.DomainUpdated(domid, keep, principal));
	}

	private void require(DomainState expected, String what) {
		if (state != expected) {
			throw new IllegalStateException("cannot " + what + " domain " + domid + " in state " + state);
		}
	}

	private void transition(DomainState to, @Nullable String reason, Instant now, Cause cause) {
		DomainState from = state;
		this.state = to;
		this.stateReason = reason;
		this.updatedAt = now;
		registerEvent(new DomainEvents.DomainStateChanged(domid, from, to, reason, cause.principal(),
				cause.operationId()));
	}

	Optional<DomainDevice> device(DeviceId id) {
		return devices.stream().filter(d -> d.deviceId().equals(id)).findFirst();
	}

	GuestSpec spec() {
		return new GuestSpec(name, memoryMib, vcpus, devices.stream().map(DomainDevice::toSpec).toList());
	}

	/** Spring Data's view of the id (the domid). */
	@Override
	public Integer getId() {
		return domid;
	}

	/**
	 * New until its first save gives it a version: the domid is assigned before, so Spring Data
	 * cannot tell by the id (and would otherwise find the version by reflection on every save).
	 */
	@Override
	public boolean isNew() {
		return version == null;
	}

	int domid() {
		return domid;
	}

	String name() {
		return name;
	}

	@Nullable
	String host() {
		return hostName;
	}

	DomainState state() {
		return state;
	}

	@Nullable
	String stateReason() {
		return stateReason;
	}

	@Nullable
	UUID suspendCheckpointId() {
		return suspendCheckpointId;
	}

	int checkpointRetention() {
		return checkpointRetention;
	}

	Instant createdAt() {
		return createdAt;
	}

	Instant updatedAt() {
		return updatedAt;
	}

	long version() {
		return version == null ? 0 : version;
	}

	List<DomainDevice> devices() {
		return List.copyOf(devices);
	}

}
