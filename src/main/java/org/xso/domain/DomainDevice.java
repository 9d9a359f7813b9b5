package org.xso.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;

/** A device's configuration as the toolstack keeps it (what re-creates it after a restart). */
@Entity
@Table(name = "domain_devices")
class DomainDevice {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Enumerated(EnumType.STRING)
	@Column(name = "device_type", nullable = false, length = 8)
	private DeviceType type;

	@Column(nullable = false)
	private int devid;

	@Column(name = "backend_domid", nullable = false)
	private int backendDomid;

	private @Nullable Long sectors;

	@Column(name = "sector_size")
	private @Nullable Integer sectorSize;

	@Column(name = "feature_persistent")
	private @Nullable Boolean featurePersistent;

	@Column(name = "feature_max_indirect_segments")
	private @Nullable Integer featureMaxIndirectSegments;

	@Column(name = "feature_flush_cache")
	private @Nullable Boolean featureFlushCache;

	@Column(name = "feature_discard")
	private @Nullable Boolean featureDiscard;

	@Column(name = "max_ring_page_order")
	private @Nullable Integer maxRingPageOrder;

	@Column(length = 17)
	private @Nullable String mac;

	@Column(name = "disk_target", length = 255)
	private @Nullable String diskTarget;

	@Column(length = 15)
	private @Nullable String bridge;

	protected DomainDevice() {
		this.type = DeviceType.vbd;
	}

	DomainDevice(DeviceSpec spec) {
		this.type = spec.id().type();
		this.devid = spec.id().devid();
		reconfigure(spec);
	}

	/** The device's configuration becomes {@code spec}'s (the same device: its type and devid). */
	void reconfigure(DeviceSpec spec) {
		if (!spec.id().equals(deviceId())) {
			throw new IllegalArgumentException(spec.id() + " is not " + deviceId());
		}
		this.backendDomid = spec.backendDomid().value();
		if (spec instanceof DeviceSpec.Vbd v) {
			this.sectors = v.sectors();
			this.sectorSize = v.sectorSize();
			this.featurePersistent = v.features().persistent();
			this.featureMaxIndirectSegments = v.features().maxIndirectSegments();
			this.featureFlushCache = v.features().flushCache();
			this.featureDiscard = v.features().discard();
			this.maxRingPageOrder = v.features().maxRingPageOrder();
			this.diskTarget = v.target();
		}
		else if (spec instanceof DeviceSpec.Vif v) {
			this.mac = v.mac();
			this.bridge = v.bridge();
		}
	}

	DeviceId deviceId() {
		return new DeviceId(type, devid);
	}

	DeviceSpec toSpec() {
		if (type == DeviceType.vbd) {
			BlkbackFeatures f = new BlkbackFeatures(Boolean.TRUE.equals(featurePersistent),
					featureMaxIndirectSegments == null ? 0 : featureMaxIndirectSegments,
					Boolean.TRUE.equals(featureFlushCache), Boolean.TRUE.equals(featureDiscard),
					maxRingPageOrder == null ? 0 : maxRingPageOrder);
			return new DeviceSpec.Vbd(devid, DomId.of(backendDomid), sectors == null ? 1 : sectors,
					sectorSize == null ? 512 : sectorSize, f, diskTarget);
		}
		return new DeviceSpec.Vif(devid, DomId.of(backendDomid), mac == null ? "00:16:3e:00:00:00" : mac,
				bridge == null ? DeviceSpec.DEFAULT_BRIDGE : bridge);
	}

}
