package org.xso.hypervisor;

import java.util.Locale;

/** The split-driver device classes, named as their xenstore directories are. */
public enum DeviceType {

	/** A virtual block device: blkfront / xbd / xdf in the guest, blkback in the driver domain. */
	vbd,

	/** A virtual network interface: netfront / xennet / xnf, netback. */
	vif;

	public static DeviceType parse(String s) {
		try {
			return valueOf(s.toLowerCase(Locale.ROOT));
		}
		catch (IllegalArgumentException | NullPointerException e) {
			throw new IllegalArgumentException("device type must be vbd or vif: " + s);
		}
	}

}
