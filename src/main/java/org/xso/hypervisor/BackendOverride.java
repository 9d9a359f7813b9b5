package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * Where a saved device's backend is on the host that brings the guest back, when that differs from
 * where it was saved (firecracker#4731's remapping at restore): another backend domain, a vif's
 * bridge, a vbd's disk target. What an override leaves null stays as saved.
 */
public record BackendOverride(DeviceId id, @Nullable DomId backendDomid, @Nullable String bridge,
		@Nullable String target) {

	public BackendOverride {
		if (id == null) {
			throw new IllegalArgumentException("an override names its device");
		}
		if (bridge != null && id.type() != DeviceType.vif) {
			throw new IllegalArgumentException(id + ": a bridge applies to a vif only");
		}
		if (target != null && id.type() != DeviceType.vbd) {
			throw new IllegalArgumentException(id + ": a target applies to a vbd only");
		}
		if (bridge != null && !DeviceSpec.BRIDGE.matcher(bridge).matches()) {
			throw new IllegalArgumentException(id + ": bridge must be an interface name of 1..15 characters: " + bridge);
		}
		if (target != null && !DeviceSpec.TARGET.matcher(target).matches()) {
			throw new IllegalArgumentException(id + ": target must be a volume name or a path: " + target);
		}
	}

	void requireFor(DeviceId device) {
		if (!id.equals(device)) {
			throw new IllegalArgumentException("the override of " + id + " applied to " + device);
		}
	}

	/** {@code guest} with each device the overrides name served as its override says; the others as they are. */
	public static GuestSpec applyTo(GuestSpec guest, List<BackendOverride> overrides) {
		List<DeviceSpec> devices = guest.devices()
			.stream()
			.map(d -> overrides.stream().filter(o -> o.id().equals(d.id())).findFirst().map(d::with).orElse(d))
			.toList();
		return new GuestSpec(guest.name(), guest.memoryMiB(), guest.vcpus(), devices);
	}

	/**
	 * {@code saved} with every override applied to its config and its devices' saved state, or an
	 * {@link IllegalArgumentException} naming an override whose device the guest does not have, or
	 * a device named twice.
	 */
	public static SavedDomain apply(SavedDomain saved, List<BackendOverride> overrides) {
		if (overrides.isEmpty()) {
			return saved;
		}
		Set<DeviceId> named = new HashSet<>();
		for (BackendOverride o : overrides) {
			if (!named.add(o.id())) {
				throw new IllegalArgumentException(o.id() + " is overridden twice");
			}
			if (saved.config().devices().stream().noneMatch(d -> d.id().equals(o.id()))) {
				throw new IllegalArgumentException("the saved guest has no " + o.id());
			}
		}
		GuestSpec config = applyTo(saved.config(), overrides);
		List<DeviceSavedState> states = new ArrayList<>();
		for (DeviceSavedState s : saved.devices()) {
			DomId backend = config.devices()
				.stream()
				.filter(d -> d.id().equals(s.id()))
				.findFirst()
				.map(DeviceSpec::backendDomid)
				.orElse(s.backendDomid());
			states.add(backend.equals(s.backendDomid()) ? s : s.withBackendDomid(backend));
		}
		// in the current format: an older one may not hold what the overrides set
		return new SavedDomain(SavedDomain.FORMAT_VERSION, saved.adapter(), saved.domid(), config, states,
				saved.memoryImage());
	}

}
