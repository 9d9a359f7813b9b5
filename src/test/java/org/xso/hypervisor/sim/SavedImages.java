package org.xso.hypervisor.sim;

import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;

/** Saved guests for tests that bring a copy back beside its original. */
final class SavedImages {

	private SavedImages() {
	}

	/**
	 * {@code image} to be restored under {@code name}: a second live domain may not have the
	 * original's name (libxl restores under the name its config gives, and refuses one in use).
	 */
	static SavedDomain renamed(SavedDomain image, String name) {
		GuestSpec c = image.config();
		return new SavedDomain(image.formatVersion(), image.adapter(), image.domid(),
				new GuestSpec(name, c.memoryMiB(), c.vcpus(), c.devices()), image.devices(), image.memoryImage());
	}

}
