package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.xso.xen.DomId;
import org.xso.xen.XenbusState;

/**
 * Everything saved about one device at suspend: both ends' XenbusState, its rings (page bytes and
 * indices), the grant entries the frontend had issued for it, the frontend's event-channel ports,
 * the negotiated features, what the backend published ({@code sectors}, {@code sector-size},
 * {@code info}, {@code mac}...), the shadow of requests in flight, and the frontend driver's private
 * state (queued work, workload bookkeeping), which an adapter may leave empty when that state is
 * held in the save image instead.
 *
 * <p>
 * {@link #canonicalBytes()} is the value's canonical encoding; {@link #sha256()} identifies it.
 */
public record DeviceSavedState(DeviceId id, DomId backendDomid, XenbusState frontendState,
		XenbusState backendState, List<RingSnapshot> rings, List<GrantSnapshot> grants, List<Integer> evtchnPorts,
		SortedMap<String, String> features, SortedMap<String, String> backendInfo, List<ShadowEntry> shadow,
		byte[] driverState) {

	public DeviceSavedState {
		rings = List.copyOf(rings);
		grants = List.copyOf(grants);
		evtchnPorts = List.copyOf(evtchnPorts);
		features = Collections.unmodifiableSortedMap(new TreeMap<>(features));
		backendInfo = Collections.unmodifiableSortedMap(new TreeMap<>(backendInfo));
		shadow = List.copyOf(shadow);
		driverState = driverState.clone();
	}

	@Override
	public byte[] driverState() {
		return driverState.clone();
	}

	/** The same saved device, to be served by {@code backend} when it comes back. */
	public DeviceSavedState withBackendDomid(DomId backend) {
		return new DeviceSavedState(id, backend, frontendState, backendState, rings, grants, evtchnPorts, features,
				backendInfo, shadow, driverState);
	}

	public byte[] canonicalBytes() {
		return CanonicalBytes.of(this::writeTo);
	}

	public String sha256() {
		return CanonicalBytes.sha256(canonicalBytes());
	}

	public void writeTo(CanonicalOutput out) {
		out.writeString(id.type().name()).writeInt(id.devid()).writeInt(backendDomid.value());
		out.writeInt(frontendState.value()).writeInt(backendState.value());
		out.writeInt(rings.size());
		rings.forEach(r -> r.writeTo(out));
		out.writeInt(grants.size());
		grants.forEach(g -> g.writeTo(out));
		out.writeInt(evtchnPorts.size());
		evtchnPorts.forEach(out::writeInt);
		out.writeMap(features).writeMap(backendInfo);
		out.writeInt(shadow.size());
		shadow.forEach(s -> s.writeTo(out));
		out.writeBytes(driverState);
	}

	public static DeviceSavedState readFrom(CanonicalInput in) {
		DeviceId id;
		DomId backend;
		XenbusState fe;
		XenbusState be;
		try {
			id = new DeviceId(DeviceType.parse(in.readString()), in.readInt());
			backend = DomId.of(in.readInt());
			fe = XenbusState.of(in.readInt());
			be = XenbusState.of(in.readInt());
		}
		catch (IllegalArgumentException e) {
			throw new CanonicalInput.InvalidEncodingException(e.getMessage());
		}
		int nr = in.readCount(2 * BlkbackFeatures.MAX_QUEUES);
		List<RingSnapshot> rings = new ArrayList<>(nr);
		for (int i = 0; i < nr; i++) {
			rings.add(RingSnapshot.readFrom(in));
		}
		int ng = in.readCount(in.remaining() / 20);
		List<GrantSnapshot> grants = new ArrayList<>(ng);
		for (int i = 0; i < ng; i++) {
			grants.add(GrantSnapshot.readFrom(in));
		}
		int ne = in.readCount(64);
		List<Integer> ports = new ArrayList<>(ne);
		for (int i = 0; i < ne; i++) {
			ports.add(in.readInt());
		}
		SortedMap<String, String> features = in.readMap();
		SortedMap<String, String> info = in.readMap();
		int ns = in.readCount(in.remaining() / 36);
		List<ShadowEntry> shadow = new ArrayList<>(ns);
		for (int i = 0; i < ns; i++) {
			shadow.add(ShadowEntry.readFrom(in));
		}
		return new DeviceSavedState(id, backend, fe, be, rings, grants, ports, features, info, shadow,
				in.readBytes());
	}

	public static DeviceSavedState fromCanonicalBytes(byte[] bytes) {
		CanonicalInput in = new CanonicalInput(bytes);
		DeviceSavedState s = readFrom(in);
		in.expectEnd();
		return s;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof DeviceSavedState d && Arrays.equals(canonicalBytes(), d.canonicalBytes());
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(canonicalBytes());
	}

	@Override
	public String toString() {
		return "DeviceSavedState[" + id + ", fe=" + frontendState + ", be=" + backendState + ", rings=" + rings.size()
				+ ", grants=" + grants.size() + ", shadow=" + shadow.size() + "]";
	}

}
