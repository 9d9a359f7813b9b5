package org.xso.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GrantSnapshot;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ShadowEntry;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;

/** Builds saved images the way an adapter would: rings, grants, ports, features, a shadow, memory. */
final class FakeImages {

	private static final java.util.concurrent.atomic.AtomicLong STORAGE_SEQ = new java.util.concurrent.atomic.AtomicLong();

	private FakeImages() {
	}

	static SavedDomain save(int domid, GuestSpec spec, SuspendStrategy strategy,
			List<FakeHypervisor.FakeDeviceState> devices) {
		List<DeviceSavedState> saved = new ArrayList<>();
		for (FakeHypervisor.FakeDeviceState d : devices) {
			saved.add(device(d, strategy));
		}
		byte[] memory = new byte[64 * 1024];
		new Random(domid).nextBytes(memory);
		return new SavedDomain(SavedDomain.FORMAT_VERSION, "fake", DomId.guest(domid), spec, saved, memory);
	}

	private static DeviceSavedState device(FakeHypervisor.FakeDeviceState d, SuspendStrategy strategy) {
		boolean vbd = d.id().type() == DeviceType.vbd;
		List<RingSnapshot> rings = new ArrayList<>();
		List<GrantSnapshot> grants = new ArrayList<>();
		String[] names = vbd ? new String[] { "ring" } : new String[] { "tx", "rx" };
		for (int i = 0; i < names.length; i++) {
			GrantRef ref = d.ringRefs().get(i);
			byte[] page = new byte[4096];
			page[0] = 7; // req_prod
			rings.add(new RingSnapshot(names[i], 0, List.of(ref), page, 7, 8, 4, 5, 7, 4));
			grants.add(new GrantSnapshot(ref.value(), 1, 0, 0x1000L + ref.value()));
		}
		List<ShadowEntry> shadow = new ArrayList<>();
		if (vbd && strategy == SuspendStrategy.SHADOW_REPLAY) {
			for (int i = 0; i < 3; i++) {
				shadow.add(new ShadowEntry(i, 100 + i, 1, 8L * i, 8, List.of(0x200L + i), List.of(5000 + i)));
				grants.add(new GrantSnapshot(5000 + i, 1, 0, 0x2000L + i));
			}
		}
		TreeMap<String, String> features = new TreeMap<>();
		features.put("feature-persistent", "1");
		TreeMap<String, String> info = new TreeMap<>();
		info.put(vbd ? "sectors" : "mac", vbd ? "65536" : "00:16:3e:00:00:01");
		// storage an adapter keeps per saved device, named where releaseStorage finds it
		info.put(FakeHypervisor.STORAGE, "fake-storage-" + STORAGE_SEQ.incrementAndGet());
		return new DeviceSavedState(d.id(), DomId.DOM0, XenbusState.Connected, XenbusState.Connected, rings, grants,
				d.evtchns().stream().map(p -> p.value()).toList(), features, info, shadow, new byte[] { 1, 2, 3 });
	}

}
