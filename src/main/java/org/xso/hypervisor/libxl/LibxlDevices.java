package org.xso.hypervisor.libxl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;

/**
 * A guest's vbds and vifs as libxl lists them ({@code libxl_device_disk_list},
 * {@code libxl_device_nic_list}), completed from both ends' xenstore directories (xen-reference.md
 * section 2.1): the XenbusStates, the ring refs and event channels the frontend published, the
 * features and properties the backend published.
 */
final class LibxlDevices {

	private final long ctx;

	private final XsHandle xs;

	LibxlDevices(long ctx, XsHandle xs) {
		this.ctx = ctx;
		this.xs = xs;
	}

	/** One device: what the toolstack configured and where its two directories are. */
	record Device(DeviceSpec spec, String frontend, String backend) {

		DeviceId id() {
			return spec.id();
		}

	}

	List<Device> list(DomId domid) {
		List<Device> out = new ArrayList<>();
		String[] disks = LibxlNative.deviceDiskList(ctx, domid.value());
		for (int i = 0; i + LibxlNative.DISK_STRIDE <= disks.length; i += LibxlNative.DISK_STRIDE) {
			int devid = Vdev.devid(disks[i]);
			DomId backend = DomId.of(Integer.parseInt(disks[i + 1]));
			String fe = frontendPath(domid, DeviceType.vbd, devid);
			String be = xs.read(fe + "/backend").orElse(backendPath(backend, domid, DeviceType.vbd, devid));
			long sectors = number(be + "/sectors", 0);
			int sectorSize = (int) number(be + "/sector-size", 512);
			out.add(new Device(new DeviceSpec.Vbd(devid, backend, Math.max(1, sectors), sectorSize, blkback(be),
					target(disks[i + 2])), fe, be));
		}
		String[] nics = LibxlNative.deviceNicList(ctx, domid.value());
		for (int i = 0; i + LibxlNative.NIC_STRIDE <= nics.length; i += LibxlNative.NIC_STRIDE) {
			int devid = Integer.parseInt(nics[i]);
			DomId backend = DomId.of(Integer.parseInt(nics[i + 1]));
			String fe = frontendPath(domid, DeviceType.vif, devid);
			String be = xs.read(fe + "/backend").orElse(backendPath(backend, domid, DeviceType.vif, devid));
			out.add(new Device(new DeviceSpec.Vif(devid, backend, nics[i + 2], bridge(nics[i + 3])), fe, be));
		}
		return out;
	}

	/** A disk's {@code pdev_path} as its target, when it is one this service can carry (null: none). */
	private static String target(String pdevPath) {
		return pdevPath == null || pdevPath.isEmpty() || !DeviceSpec.TARGET.matcher(pdevPath).matches() ? null
				: pdevPath;
	}

	/** A nic's bridge; libxl's default where the config named none. */
	private static String bridge(String bridge) {
		return bridge == null || bridge.isEmpty() || !DeviceSpec.BRIDGE.matcher(bridge).matches()
				? DeviceSpec.DEFAULT_BRIDGE : bridge;
	}

	/**
	 * The device now. Counters are the guest's own bookkeeping, which dom0 cannot see: they are
	 * {@link DeviceCounters#ZERO} (the contract's {@code GUEST_COUNTERS} capability is absent).
	 */
	DeviceInfo info(Device d) {
		return new DeviceInfo(d.id(), d.spec().backendDomid(), state(d.frontend()), state(d.backend()), ringRefs(d),
				evtchns(d), features(d), DeviceCounters.ZERO);
	}

	/**
	 * What dom0 can save of the device: both ends' states, the event channels and features, what
	 * the backend published. Ring pages, grant entries, the shadow and the driver's private state
	 * live in guest memory: they are absent here and held in the save image.
	 */
	DeviceSavedState saved(Device d) {
		List<Integer> ports = evtchns(d).stream().map(EvtchnPort::value).toList();
		return new DeviceSavedState(d.id(), d.spec().backendDomid(), state(d.frontend()), state(d.backend()),
				List.of(), List.of(), ports, features(d), backendInfo(d), List.of(), new byte[0]);
	}

	/**
	 * Why the device's backend is no longer there for its guest, if it is not: its directory
	 * removed, {@code online} cleared, or its state Closing or Closed (what {@code xl block-detach}
	 * and {@code xl network-detach} do, first to the state and online, then to the directory).
	 */
	Optional<String> backendGone(Device d) {
		Optional<String> state = xs.read(d.backend() + "/state");
		if (state.isEmpty()) {
			return Optional.of("its backend " + d.backend() + " was removed");
		}
		XenbusState s = XenbusState.parse(state.get());
		if (s == XenbusState.Closing || s == XenbusState.Closed) {
			return Optional.of("its backend " + d.backend() + " is " + s);
		}
		if (xs.read(d.backend() + "/online").map(v -> v.trim().equals("0")).orElse(false)) {
			return Optional.of("its backend " + d.backend() + " was taken offline");
		}
		return Optional.empty();
	}

	XenbusState state(String dir) {
		return XenbusState.parse(xs.read(dir + "/state").orElse(""));
	}

	List<GrantRef> ringRefs(Device d) {
		List<GrantRef> refs = new ArrayList<>();
		for (String key : d.id().type() == DeviceType.vbd ? List.of("ring-ref") : List.of("tx-ring-ref", "rx-ring-ref")) {
			xs.read(d.frontend() + "/" + key).map(v -> GrantRef.of(Integer.parseInt(v.trim()))).ifPresent(refs::add);
		}
		for (int i = 0; d.id().type() == DeviceType.vbd && i < 16; i++) {
			Optional<String> v = xs.read(d.frontend() + "/ring-ref" + i);
			if (v.isEmpty()) {
				break;
			}
			refs.add(GrantRef.of(Integer.parseInt(v.get().trim())));
		}
		return refs;
	}

	private List<EvtchnPort> evtchns(Device d) {
		List<EvtchnPort> ports = new ArrayList<>();
		for (String key : List.of("event-channel", "event-channel-tx", "event-channel-rx")) {
			xs.read(d.frontend() + "/" + key).map(v -> EvtchnPort.of(Integer.parseInt(v.trim()))).ifPresent(ports::add);
		}
		return ports;
	}

	/** Both ends' {@code feature-*} keys and the negotiated ring sizes; the frontend's win. */
	private SortedMap<String, String> features(Device d) {
		SortedMap<String, String> out = new TreeMap<>();
		for (String dir : List.of(d.backend(), d.frontend())) {
			for (String key : xs.directory(dir)) {
				if (key.startsWith("feature-") || key.startsWith("max-ring-page-order") || key.equals("ring-page-order")
						|| key.startsWith("multi-queue-") || key.startsWith("request-rx-copy")) {
					xs.read(dir + "/" + key).ifPresent(v -> out.put(key, v));
				}
			}
		}
		return out;
	}

	private SortedMap<String, String> backendInfo(Device d) {
		SortedMap<String, String> out = new TreeMap<>();
		for (String key : List.of("sectors", "sector-size", "physical-sector-size", "info", "mac", "mode", "type",
				"params")) {
			xs.read(d.backend() + "/" + key).ifPresent(v -> out.put(key, v));
		}
		return out;
	}

	private BlkbackFeatures blkback(String be) {
		return new BlkbackFeatures(number(be + "/feature-persistent", 0) == 1,
				(int) Math.min(4096, number(be + "/feature-max-indirect-segments", 0)),
				number(be + "/feature-flush-cache", 0) == 1, number(be + "/feature-discard", 0) == 1,
				(int) Math.min(4, number(be + "/max-ring-page-order", 0)),
				(int) Math.max(1, Math.min(BlkbackFeatures.MAX_QUEUES, number(be + "/multi-queue-max-queues", 1))));
	}

	private long number(String path, long dflt) {
		try {
			return xs.read(path).map(v -> Long.parseLong(v.trim())).orElse(dflt);
		}
		catch (NumberFormatException e) {
			return dflt;
		}
	}

	static String frontendPath(DomId domid, DeviceType type, int devid) {
		return "/local/domain/" + domid.value() + "/device/" + type + "/" + devid;
	}

	static String backendPath(DomId backend, DomId domid, DeviceType type, int devid) {
		return "/local/domain/" + backend.value() + "/backend/" + type + "/" + domid.value() + "/" + devid;
	}

}
