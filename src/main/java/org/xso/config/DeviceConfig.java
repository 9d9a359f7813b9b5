package org.xso.config;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/**
 * JSON form of a device's configuration ({@link DeviceSpec}): a vbd has {@code sectors} (required),
 * {@code sectorSize}, {@code features} and {@code target}; a vif has {@code mac} (required) and
 * {@code bridge}; a member of the other type is rejected, as the contract's {@code oneOf} on
 * {@code type} says. The same shape is a request body (hot-plug, create) and part of domain and
 * checkpoint representations.
 */
public record DeviceConfig(@Nullable DeviceType type, @JsonProperty(required = true) int devid,
		@Nullable Integer backendDomid, @Nullable Long sectors, @Nullable Integer sectorSize,
		@Nullable BackendFeatures features, @Nullable String mac, @Nullable String bridge, @Nullable String target) {

	/** A device's configuration without a bridge or disk target (the backend's defaults). */
	public DeviceConfig(@Nullable DeviceType type, int devid, @Nullable Integer backendDomid, @Nullable Long sectors,
			@Nullable Integer sectorSize, @Nullable BackendFeatures features, @Nullable String mac) {
		this(type, devid, backendDomid, sectors, sectorSize, features, mac, null, null);
	}

	/** 2^40 sectors: the most a vbd may have (512 TiB of 512-byte sectors). */
	private static final long MAX_SECTORS = 1L << 40;

	private static final List<Integer> SECTOR_SIZES = List.of(512, 1024, 2048, 4096);

	public static DeviceConfig from(DeviceSpec spec) {
		if (spec instanceof DeviceSpec.Vbd v) {
			return new DeviceConfig(DeviceType.vbd, v.devid(), v.backendDomid().value(), v.sectors(), v.sectorSize(),
					BackendFeatures.from(v.features()), null, null, v.target());
		}
		DeviceSpec.Vif v = (DeviceSpec.Vif) spec;
		return new DeviceConfig(DeviceType.vif, v.devid(), v.backendDomid().value(), null, null, null, v.mac(),
				v.bridge(), null);
	}

	/**
	 * The port's value, or a 400 VALIDATION_FAILED naming the field under {@code pointer} that is
	 * missing, of the other device type, or out of range.
	 */
	public DeviceSpec toSpec(String pointer) {
		if (type == null) {
			throw ProblemException.invalid(Violation.of(pointer + "/type", "is required: vbd or vif"));
		}
		if (devid < 0 || devid > 0xFFFFFF) {
			throw ProblemException.invalid(Violation.of(pointer + "/devid", "must be 0..16777215: " + devid));
		}
		int backend = backendDomid == null ? 0 : backendDomid;
		if (backend < 0 || backend > DomId.MAX_GUEST) {
			throw ProblemException
				.invalid(Violation.of(pointer + "/backendDomid", "must be 0..32751: " + backend));
		}
		try {
			if (type == DeviceType.vbd) {
				requireAbsent(mac, pointer + "/mac", "vbd");
				requireAbsent(bridge, pointer + "/bridge", "vbd");
				if (target != null && !DeviceSpec.TARGET.matcher(target).matches()) {
					throw ProblemException.invalid(Violation.of(pointer + "/target",
							"must be a volume name or a path of 1..255 characters of A-Z a-z 0-9 _ . : + / -, without . or .. components"));
				}
				if (sectors == null) {
					throw ProblemException.invalid(Violation.of(pointer + "/sectors", "is required for a vbd"));
				}
				if (sectors < 1 || sectors > MAX_SECTORS) {
					throw ProblemException
						.invalid(Violation.of(pointer + "/sectors", "must be 1.." + MAX_SECTORS + ": " + sectors));
				}
				if (sectorSize != null && !SECTOR_SIZES.contains(sectorSize)) {
					throw ProblemException.invalid(
							Violation.of(pointer + "/sectorSize", "must be one of " + SECTOR_SIZES + ": " + sectorSize));
				}
				if (features != null) {
					features.validate(pointer + "/features");
				}
				return new DeviceSpec.Vbd(devid, DomId.of(backend), sectors, sectorSize == null ? 512 : sectorSize,
						features == null ? null : features.toPort(), target);
			}
			requireAbsent(sectors, pointer + "/sectors", "vif");
			requireAbsent(sectorSize, pointer + "/sectorSize", "vif");
			requireAbsent(features, pointer + "/features", "vif");
			requireAbsent(target, pointer + "/target", "vif");
			if (bridge != null && !DeviceSpec.BRIDGE.matcher(bridge).matches()) {
				throw ProblemException.invalid(Violation.of(pointer + "/bridge",
						"must be an interface name of 1..15 characters of A-Z a-z 0-9 _ . -"));
			}
			if (mac == null) {
				throw ProblemException.invalid(Violation.of(pointer + "/mac", "is required for a vif"));
			}
			return new DeviceSpec.Vif(devid, DomId.of(backend), mac, bridge);
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(Violation.of(pointer, String.valueOf(e.getMessage())));
		}
	}

	private static void requireAbsent(@Nullable Object value, String pointer, String type) {
		if (value != null) {
			throw ProblemException.invalid(Violation.of(pointer, "does not apply to a " + type));
		}
	}

}
