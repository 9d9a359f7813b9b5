package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.List;

import org.xso.xen.DomId;

/** The canonical encoding of a {@link GuestSpec}. */
public final class GuestSpecCodec {

	private GuestSpecCodec() {
	}

	public static void write(GuestSpec spec, CanonicalOutput out) {
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
			}
			else if (d instanceof DeviceSpec.Vif v) {
				out.writeString(v.mac());
			}
		}
	}

	public static GuestSpec read(CanonicalInput in) {
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
					devices.add(new DeviceSpec.Vbd(devid, backend, sectors, sectorSize, f));
				}
				else {
					devices.add(new DeviceSpec.Vif(devid, backend, in.readString()));
				}
			}
			return new GuestSpec(name, mem, vcpus, devices);
		}
		catch (IllegalArgumentException e) {
			throw new CanonicalInput.InvalidEncodingException("bad guest config: " + e.getMessage());
		}
	}

}
