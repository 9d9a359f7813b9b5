package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.List;

import org.xso.xen.DomId;

/**
 * The canonical encoding of a {@link GuestSpec}. Format 3 (the current one) adds a vbd's target and
 * a vif's bridge to format 2's devices; a format-2 config reads with neither (the backend's own
 * volume, {@link DeviceSpec#DEFAULT_BRIDGE}), so a checkpoint saved before still restores.
 */
public final class GuestSpecCodec {

	private GuestSpecCodec() {
	}

	/** Writes {@code spec} in the current format. */
	public static void write(GuestSpec spec, CanonicalOutput out) {
		write(spec, out, SavedDomain.FORMAT_VERSION);
	}

	/**
	 * Writes {@code spec} in {@code formatVersion}: a saved guest read in an older format keeps its
	 * bytes, hence its SHA-256 (a format-2 config has no target or bridge to write).
	 */
	public static void write(GuestSpec spec, CanonicalOutput out, int formatVersion) {
		out.writeString(spec.name()).writeInt(spec.memoryMiB()).writeInt(spec.vcpus());
		out.writeInt(spec.devices().size());
		for (DeviceSpec d : spec.devices()) {
			out.writeString(d.id().type().name()).writeInt(d.id().devid()).writeInt(d.backendDomid().value());
			if (d instanceof DeviceSpec.Vbd v) {
				BlkbackFeatures f = v.features();
				out.writeLong(v.sectors())
					.writeInt(v.sectorSize())
					.writeBoolean(f.persistent())
					.writeInt(f.maxIndirectSegments())
					.writeBoolean(f.flushCache())
					.writeBoolean(f.discard())
					.writeInt(f.maxRingPageOrder())
					.writeInt(f.maxQueues());
				if (formatVersion >= 3) {
					out.writeString(v.target() == null ? "" : v.target());
				}
			}
			else if (d instanceof DeviceSpec.Vif v) {
				out.writeString(v.mac());
				if (formatVersion >= 3) {
					out.writeString(v.bridge());
				}
			}
		}
	}

	/** Reads a config of the current format. */
	public static GuestSpec read(CanonicalInput in) {
		return read(in, SavedDomain.FORMAT_VERSION);
	}

	/** Reads a config written in {@code formatVersion} (2 or 3). */
	public static GuestSpec read(CanonicalInput in, int formatVersion) {
		try {
			String name = in.readString();
			int mem = in.readInt();
			int vcpus = in.readInt();
			int n = in.readCount(1024);
			List<DeviceSpec> devices = new ArrayList<>(n);
			for (int i = 0; i < n; i++) {
				DeviceType type = DeviceType.parse(in.readString());
				int devid = in.readInt();
				DomId backend = DomId.of(in.readInt());
				if (type == DeviceType.vbd) {
					long sectors = in.readLong();
					int sectorSize = in.readInt();
					BlkbackFeatures f = new BlkbackFeatures(in.readBoolean(), in.readInt(), in.readBoolean(),
							in.readBoolean(), in.readInt(), in.readInt());
					String target = formatVersion >= 3 ? in.readString() : "";
					devices.add(new DeviceSpec.Vbd(devid, backend, sectors, sectorSize, f,
							target.isEmpty() ? null : target));
				}
				else {
					String mac = in.readString();
					String bridge = formatVersion >= 3 ? in.readString() : DeviceSpec.DEFAULT_BRIDGE;
					devices.add(new DeviceSpec.Vif(devid, backend, mac, bridge));
				}
			}
			return new GuestSpec(name, mem, vcpus, devices);
		}
		catch (IllegalArgumentException e) {
			throw new CanonicalInput.InvalidEncodingException("bad guest config: " + e.getMessage());
		}
	}

}
