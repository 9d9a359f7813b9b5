package org.xso.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.config.GuestConfig;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpecCodec;
import org.xso.hypervisor.ShadowEntry;
import org.xso.xen.XenbusState;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the detailed representation from the relational rows; the shadow, which is not stored
 * relationally, is decoded from the device's bytes when they decode (a corrupt part is reported by
 * the integrity check, not here).
 */
@Component
class CheckpointDetailsMapper {

	private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
	};

	private final JsonMapper json;

	CheckpointDetailsMapper(JsonMapper json) {
		this.json = json;
	}

	CheckpointViews.Details map(Checkpoint c) {
		List<CheckpointViews.Part> parts = new ArrayList<>();
		parts.add(new CheckpointViews.Part("config", c.configSha256(), c.configBytes().length));
		List<CheckpointViews.SavedDevice> devices = new ArrayList<>();
		for (CheckpointDevice d : c.devices()) {
			parts.add(new CheckpointViews.Part(d.partName(), d.sha256(), d.sizeBytes()));
			devices.add(device(d));
		}
		parts.add(new CheckpointViews.Part("memory", c.memorySha256(), c.memoryBytes()));
		CheckpointViews.Manifest manifest = new CheckpointViews.Manifest(c.formatVersion(), c.sha256(), parts);
		return new CheckpointViews.Details(c.id(), c.domid(), c.kind(), c.operationId(), c.createdAt(), c.strategy(),
				c.adapter(), c.sourceDomid(), c.sizeBytes(), c.pinned(), c.pinReason(), c.parentId(), c.chainDepth(),
				config(c), manifest, devices);
	}

	private @Nullable GuestConfig config(Checkpoint c) {
		try {
			return GuestConfig.from(GuestSpecCodec.read(new CanonicalInput(c.configBytes()), c.formatVersion()));
		}
		catch (CanonicalInput.InvalidEncodingException e) {
			return null;
		}
	}

	private CheckpointViews.SavedDevice device(CheckpointDevice d) {
		List<CheckpointViews.SavedRing> rings = d.rings()
			.stream()
			.map(r -> new CheckpointViews.SavedRing(r.name(), r.pageOrder(), longs(r.refs()), u32(r.reqProd()),
					u32(r.reqEvent()), u32(r.rspProd()), u32(r.rspEvent()), u32(r.reqProdPvt()), u32(r.rspCons())))
			.toList();
		List<CheckpointViews.SavedGrant> grants = GrantEntries.decode(d.grantEntries());
		List<Integer> ports = longs(d.evtchnPorts()).stream().map(Long::intValue).toList();
		return new CheckpointViews.SavedDevice(DeviceType.parse(d.deviceType()), d.devid(), d.backendDomid(),
				XenbusState.valueOf(d.frontendState()), XenbusState.valueOf(d.backendState()), ports, map(d.features()),
				map(d.backendInfo()), rings, grants, d.shadowCount(), shadow(d),
				CheckpointViews.SavedParts.of(d.heldInSaveImage()), d.sha256(), d.sizeBytes());
	}

	private static @Nullable List<CheckpointViews.Shadow> shadow(CheckpointDevice d) {
		try {
			List<CheckpointViews.Shadow> out = new ArrayList<>();
			for (ShadowEntry s : DeviceSavedState.fromCanonicalBytes(d.stateBytes()).shadow()) {
				out.add(new CheckpointViews.Shadow(s.id(), s.tag(), s.operation(), s.sectorNumber(), s.length(),
						s.pfns(), s.grefs().stream().map(Integer::toUnsignedLong).toList()));
			}
			return out;
		}
		catch (RuntimeException e) {
			return null;
		}
	}

	SortedMap<String, String> map(String jsonText) {
		return json.readValue(jsonText, MAP);
	}

	private static List<Long> longs(String csv) {
		if (csv.isBlank()) {
			return List.of();
		}
		return Arrays.stream(csv.split(",")).map(String::trim).map(Long::parseLong).toList();
	}

	private static long u32(int v) {
		return Integer.toUnsignedLong(v);
	}

}
