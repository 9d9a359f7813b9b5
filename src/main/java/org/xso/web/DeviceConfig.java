package org.xso.web;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;

/**
 * JSON form of a device's configuration ({@link DeviceSpec}): a vbd has {@code sectors},
 * {@code sectorSize} and {@code features}; a vif has {@code mac}. The same shape is a request body
 * (hot-plug, create) and part of domain and checkpoint representations.
 */
public record DeviceConfig(DeviceType type, int devid, @Nullable Integer backendDomid, @Nullable Long sectors,
		@Nullable Integer sectorSize, @Nullable BackendFeatures features, @Nullable String mac) {

	public static DeviceConfig from(DeviceSpec spec) {
		if (spec instanceof DeviceSpec.Vbd v) {
			return new DeviceConfig(DeviceType.vbd, v.devid(), v.backendDomid().value(), v.sectors(), v.sectorSize(),
					BackendFeatures.from(v.features()), null);
		}
		DeviceSpec.Vif v = (DeviceSpec.Vif) spec;
		return new DeviceConfig(DeviceType.vif, v.devid(), v.backendDomid().value(), null, null, null, v.mac());
	}

	/**
	 * The port's value, or a 400 VALIDATION_FAILED naming the field under {@code pointer} that is
	 * missing, of the other device type, or out of range.
	 */
	public DeviceSpec toSpec(String pointer) {
		if (devid < 0 || devid > 0xFFFFFF) {
			throw ProblemException.invalid(InvalidParam.body(pointer + "/devid", "must be 0..16777215: " + devid));
		}
		int backend = backendDomid == null ? 0 : backendDomid;
		if (backend < 0 || backend > DomId.MAX_GUEST) {
			throw ProblemException
				.invalid(InvalidParam.body(pointer + "/backendDomid", "must be 0..32751: " + backend));
		}
		try {
			if (type == DeviceType.vbd) {
				requireAbsent(mac, pointer + "/mac", "vbd");
				if (sectors == null) {
					throw ProblemException.invalid(InvalidParam.body(pointer + "/sectors", "is required for a vbd"));
				}
				return new DeviceSpec.Vbd(devid, DomId.of(backend), sectors, sectorSize == null ? 512 : sectorSize,
						features == null ? null : features.toPort());
			}
			requireAbsent(sectors, pointer + "/sectors", "vif");
			requireAbsent(sectorSize, pointer + "/sectorSize", "vif");
			requireAbsent(features, pointer + "/features", "vif");
			if (mac == null) {
				throw ProblemException.invalid(InvalidParam.body(pointer + "/mac", "is required for a vif"));
			}
			return new DeviceSpec.Vif(devid, DomId.of(backend), mac);
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(InvalidParam.body(pointer, String.valueOf(e.getMessage())));
		}
	}

	private static void requireAbsent(@Nullable Object value, String pointer, String type) {
		if (value != null) {
			throw ProblemException.invalid(InvalidParam.body(pointer, "does not apply to a " + type));
		}
	}

}
