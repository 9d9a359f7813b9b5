package org.xso.hypervisor.sim;

import org.xso.xen.XenbusState;
import org.xso.xen.store.XenstoreException;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsTransaction;

/**
 * What the xenbus library gives both ends of a device (Linux drivers/xen/xenbus/xenbus_client.c).
 * Stateless: each driver calls it on its own executor.
 */
final class Xenbus {

	private Xenbus() {
	}

	/**
	 * xenbus_switch_state: writes {@code state} in a transaction that first checks the device
	 * directory still exists, so a driver that is late to learn of its removal never re-creates the
	 * directory (which would then carry the wrong permissions into the next incarnation).
	 */
	static void switchState(XsConnection xs, String dir, XenbusState state) {
		writeIfPresent(xs, dir, "state", state.xenstoreValue());
	}

	/**
	 * xenbus_read_driver_state: the state of the device end at {@code dir}; one that is gone, or
	 * that this domain may no longer read (a removed frontend's parent is the guest's alone), is
	 * Unknown.
	 */
	static XenbusState readDriverState(XsConnection xs, String dir) {
		try {
			return XenbusState.parse(xs.tryRead(dir + "/state").orElse(null));
		}
		catch (XenstoreException e) {
			return XenbusState.Unknown;
		}
	}

	/** Writes {@code dir/key} only while {@code dir} exists (xenbus_dev_error writes {@code error}). */
	static void writeIfPresent(XsConnection xs, String dir, String key, String value) {
		xs.transaction((XsTransaction t) -> {
			if (t.tryRead(dir).isPresent()) {
				t.write(dir + "/" + key, value);
			}
		});
	}

}
