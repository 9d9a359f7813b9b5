package org.xso.hypervisor;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * A device to attach to a guest, as the toolstack's config describes it: which domain runs its
 * backend, and where the backend finds what it serves (a vbd's {@code target}, the volume behind
 * {@code params}; a vif's {@code bridge}).
 */
public sealed interface DeviceSpec permits DeviceSpec.Vbd, DeviceSpec.Vif {

	/** The bridge a vif joins when its config names none: libxl's default. */
	String DEFAULT_BRIDGE = "xenbr0";

	/** A Linux interface name: at most 15 characters (IFNAMSIZ), no '/', no blank, not "." or "..". */
	Pattern BRIDGE = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,15}");

	/** A disk target: a volume name or an absolute path, without "." or ".." components. */
	Pattern TARGET = Pattern.compile("(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9_.:+/-]{1,255}");

	DeviceId id();

	DomId backendDomid();

	/** The same device served as {@code override} says (what it leaves out stays as it is). */
	DeviceSpec with(BackendOverride override);

	/**
	 * A virtual disk of {@code sectors} 512-byte sectors with a logical {@code sectorSize}, backed by
	 * {@code target} in its backend domain (null: the backend's own volume for this guest's vbd).
	 */
	record Vbd(int devid, DomId backendDomid, long sectors, int sectorSize, BlkbackFeatures features,
			@Nullable String target) implements DeviceSpec {

		public Vbd(int devid, DomId backendDomid, long sectors, int sectorSize, BlkbackFeatures features) {
			this(devid, backendDomid, sectors, sectorSize, features, null);
		}

		public Vbd {
			if (target != null && !TARGET.matcher(target).matches()) {
				throw new IllegalArgumentException(
						"target must be 1..255 characters of A-Z a-z 0-9 _ . : + / -, without . or .. components: " + target);
			}
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

		@Override
		public Vbd with(BackendOverride o) {
			o.requireFor(id());
			return new Vbd(devid, o.backendDomid() == null ? backendDomid : o.backendDomid(), sectors, sectorSize,
					features, o.target() == null ? target : o.target());
		}

	}

	/** A network interface with a MAC address, joined to {@code bridge} in the backend domain. */
	record Vif(int devid, DomId backendDomid, String mac, String bridge) implements DeviceSpec {

		private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

		public Vif(int devid, DomId backendDomid, String mac) {
			this(devid, backendDomid, mac, DEFAULT_BRIDGE);
		}

		public Vif {
			if (mac == null || !MAC.matcher(mac).matches()) {
				throw new IllegalArgumentException("mac must be six lower-case hex octets like 00:16:3e:00:00:01: " + mac);
			}
			if (bridge == null) {
				bridge = DEFAULT_BRIDGE;
			}
			if (!BRIDGE.matcher(bridge).matches()) {
				throw new IllegalArgumentException(
						"bridge must be an interface name of 1..15 characters of A-Z a-z 0-9 _ . -: " + bridge);
			}
		}

		@Override
		public DeviceId id() {
			return DeviceId.vif(devid);
		}

		@Override
		public Vif with(BackendOverride o) {
			o.requireFor(id());
			return new Vif(devid, o.backendDomid() == null ? backendDomid : o.backendDomid(), mac,
					o.bridge() == null ? bridge : o.bridge());
		}

	}

}
