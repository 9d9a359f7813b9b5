package org.xso.hypervisor;

/**
 * A device of a guest: its type and its devid (for a vbd the encoded {@code virtual-device}
 * number, e.g. 51712 for xvda; for a vif the handle 0, 1, ...).
 */
public record DeviceId(DeviceType type, int devid) implements Comparable<DeviceId> {

	public DeviceId {
		if (type == null) {
			throw new IllegalArgumentException("device type is required");
		}
		if (devid < 0) {
			throw new IllegalArgumentException("devid must be >= 0: " + devid);
		}
	}

	public static DeviceId vbd(int devid) {
		return new DeviceId(DeviceType.vbd, devid);
	}

	public static DeviceId vif(int devid) {
		return new DeviceId(DeviceType.vif, devid);
	}

	@Override
	public int compareTo(DeviceId o) {
		int c = type.compareTo(o.type);
		return c != 0 ? c : Integer.compare(devid, o.devid);
	}

	@Override
	public String toString() {
		return type + "/" + devid;
	}

}
