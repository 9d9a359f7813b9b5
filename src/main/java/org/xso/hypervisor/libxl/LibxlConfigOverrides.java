package org.xso.hypervisor.libxl;

import java.util.Optional;

import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The domain configuration a restore hands {@code libxl_domain_create_restore}: the saved one
 * ({@code libxl_domain_config} as JSON, from {@code libxl_retrieve_domain_configuration}) with each
 * device's backend as the guest comes back — {@code backend_domid} of every disk and nic, a disk's
 * {@code pdev_path} (its target), a nic's {@code bridge}. A {@code backend_domname} goes: libxl
 * would resolve it and override the domid. What the saved guest did not change stays byte for byte.
 * A configuration without a {@code disks} (or {@code nics}) list has no such device for libxl to
 * create, hence none to remap; one that lists others but not the guest's device is refused.
 */
final class LibxlConfigOverrides {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private LibxlConfigOverrides() {
	}

	static String apply(String configJson, GuestSpec guest) {
		ObjectNode root;
		try {
			JsonNode parsed = JSON.readTree(configJson);
			if (!(parsed instanceof ObjectNode o)) {
				throw new HypervisorException(Reason.INVALID_IMAGE, "the saved domain configuration is not a JSON object");
			}
			root = o;
		}
		catch (JacksonException e) {
			throw new HypervisorException(Reason.INVALID_IMAGE, "the saved domain configuration is not JSON", e);
		}
		boolean changed = false;
		for (DeviceSpec d : guest.devices()) {
			if (!root.path(list(d)).isArray()) {
				continue;
			}
			Optional<ObjectNode> entry = entry(root, d);
			if (entry.isEmpty()) {
				throw new HypervisorException(Reason.INVALID_IMAGE,
						"the saved domain configuration has no " + d.id() + " (its config lists it)");
			}
			changed |= patch(entry.get(), d);
		}
		return changed ? JSON.writeValueAsString(root) : configJson;
	}

	private static Optional<ObjectNode> entry(ObjectNode root, DeviceSpec d) {
		JsonNode all = root.path(list(d));
		for (JsonNode e : all) {
			if (e instanceof ObjectNode o && matches(o, d)) {
				return Optional.of(o);
			}
		}
		return Optional.empty();
	}

	private static String list(DeviceSpec d) {
		return d instanceof DeviceSpec.Vbd ? "disks" : "nics";
	}

	private static boolean matches(ObjectNode e, DeviceSpec d) {
		if (d instanceof DeviceSpec.Vbd) {
			String vdev = e.path("vdev").asString("");
			return !vdev.isEmpty() && Vdev.devid(vdev) == d.id().devid();
		}
		return e.path("devid").asInt(-1) == d.id().devid();
	}

	private static boolean patch(ObjectNode e, DeviceSpec d) {
		boolean changed = false;
		if (e.path("backend_domid").asInt(0) != d.backendDomid().value()) {
			e.put("backend_domid", d.backendDomid().value());
			changed = true;
		}
		if (e.has("backend_domname") && changed) {
			e.remove("backend_domname");
		}
		if (d instanceof DeviceSpec.Vbd v && v.target() != null && !v.target().equals(e.path("pdev_path").asString(""))) {
			e.put("pdev_path", v.target());
			changed = true;
		}
		if (d instanceof DeviceSpec.Vif v) {
			String saved = e.path("bridge").asString("");
			boolean same = saved.isEmpty() ? v.bridge().equals(DeviceSpec.DEFAULT_BRIDGE) : saved.equals(v.bridge());
			if (!same) {
				e.put("bridge", v.bridge());
				changed = true;
			}
		}
		return changed;
	}

}
