package org.xso.hypervisor;

import java.util.regex.Pattern;

import org.xso.xen.DomId;

/** A device to attach to a guest, as the toolstack's config describes it. */
public sealed interface DeviceSpec permits DeviceSpec.Vbd, DeviceSpec.Vif {

	DeviceId id();

	DomId backendDomid();

	/** A virtual disk of {@code sectors} 512-byte sectors with a logical {@code sectorSize}. */
	record Vbd(int devid, DomId backendDomid, long sectors, int sectorSize, BlkbackFeatures features)
			implements DeviceSpec {

		public Vbd {
			if (sectors <= 0 || sectors > (1L << 40)) {
				throw new IllegalArgumentException("sectors must be 1..2^40: " + sectors);
			}
			if (sectorSize < 512 || sectorSize > 4096 || Integer.bitCount(sectorSize) != 1) {
				throw new IllegalArgumentException("sectorSize must be a power of two 512..4096: " + sectorSize);
			}
			if (features == null) {
				features = BlkbackFeatures.LINUX_DEFAULT;
			}
		}

		@Override
		public DeviceId id() {
			return DeviceId.vbd(devid);
		}

	}

	/** A network interface with a MAC address, bridged in the backend domain. */
	record Vif(int devid, DomId backendDomid, String mac) implements DeviceSpec {

		private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

		public Vif {
			if (mac == null || !MAC.matcher(mac).matches()) {
				throw new IllegalArgumentException("mac must be six lower-case hex octets like 00:16:3e:00:00:01: " + mac);
			}
		}

		@Override
		public DeviceId id() {
			return DeviceId.vif(devid);
		}

	}

}
