package org.xso.hypervisor;

import java.util.List;

import org.xso.xen.DomId;
import org.xso.xen.GrantRef;

/** What resuming a saved guest did, per device. */
public record ResumeReport(DomId domid, List<Device> devices) {

	public ResumeReport {
		devices = List.copyOf(devices);
	}

	/**
	 * One device: requests {@code replayed} from the shadow, {@code reissued} from the queue,
	 * transmits {@code dropped}, the grant refs the device had before the suspend and the ones it was
	 * re-granted, and whether features were lost on the new backend.
	 */
	public record Device(DeviceId id, long replayed, long reissued, long dropped, List<GrantRef> refsBefore,
			List<GrantRef> refsAfter, List<String> featuresLost) {

		public Device {
			refsBefore = List.copyOf(refsBefore);
			refsAfter = List.copyOf(refsAfter);
			featuresLost = List.copyOf(featuresLost);
		}

	}

}
