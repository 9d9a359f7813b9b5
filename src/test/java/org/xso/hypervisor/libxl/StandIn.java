package org.xso.hypervisor.libxl;

import java.nio.file.Path;

import org.xso.xen.DomId;

/**
 * The test build of the shim, linked against the libxl and xenstore stand-in (src/test/c), and the
 * stand-in's scripting, done through the bound xenstore calls themselves (see the comment at the
 * top of libxl_standin.c). Guests and their devices are written as a toolstack writes them.
 */
final class StandIn {

	static final String LIBRARY_PROPERTY = "xso.libxl.test.standin";

	private StandIn() {
	}

	static Path library() {
		String p = System.getProperty(LIBRARY_PROPERTY);
		if (p == null) {
			throw new IllegalStateException(LIBRARY_PROPERTY + " is not set: run these tests with ./mvnw -Plibxl");
		}
		return Path.of(p);
	}

	/**
	 * The stand-in host's {@code /sys/class/net}: dom0 with libxl's default bridge, {@code xenbr0},
	 * as on a Xen host set up for {@code vif-bridge}.
	 */
	static Path classNet() {
		Path dir = Path.of("target", "standin-class-net");
		try {
			java.nio.file.Files.createDirectories(dir.resolve("xenbr0").resolve("bridge"));
			java.nio.file.Files.createDirectories(dir.resolve("lo"));
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
		return dir;
	}

	static void load() {
		LibxlNative.load(library());
	}

	/** A running domain, as xl create leaves it. */
	static void domain(XsHandle xs, int domid, String name, long memkb, int vcpus) {
		xs.write("/standin/domain/" + domid, name + " " + memkb + " " + vcpus);
	}

	/** A connected vbd: both directories as libxl writes them and as blkfront and blkback finish them. */
	static void vbd(XsHandle xs, int domid, String vdev, int devid, long sectors) {
		String fe = LibxlDevices.frontendPath(DomId.of(domid), org.xso.hypervisor.DeviceType.vbd, devid);
		String be = LibxlDevices.backendPath(DomId.DOM0, DomId.of(domid), org.xso.hypervisor.DeviceType.vbd, devid);
		xs.write(be + "/frontend", fe);
		xs.write(be + "/frontend-id", Integer.toString(domid));
		xs.write(be + "/dev", vdev);
		xs.write(be + "/params", "/dev/vg0/" + vdev + "-" + domid);
		xs.write(be + "/mode", "w");
		xs.write(be + "/sectors", Long.toString(sectors));
		xs.write(be + "/sector-size", "512");
		xs.write(be + "/feature-persistent", "1");
		xs.write(be + "/feature-flush-cache", "1");
		xs.write(be + "/max-ring-page-order", "4");
		xs.write(be + "/state", "4");
		xs.write(fe + "/backend", be);
		xs.write(fe + "/backend-id", "0");
		xs.write(fe + "/virtual-device", Integer.toString(devid));
		xs.write(fe + "/ring-ref", "8");
		xs.write(fe + "/event-channel", "12");
		xs.write(fe + "/feature-persistent", "1");
		xs.write(fe + "/state", "4");
	}

	/** A connected vif. */
	static void vif(XsHandle xs, int domid, int devid, String mac) {
		String fe = LibxlDevices.frontendPath(DomId.of(domid), org.xso.hypervisor.DeviceType.vif, devid);
		String be = LibxlDevices.backendPath(DomId.DOM0, DomId.of(domid), org.xso.hypervisor.DeviceType.vif, devid);
		xs.write(be + "/frontend", fe);
		xs.write(be + "/frontend-id", Integer.toString(domid));
		xs.write(be + "/mac", mac);
		xs.write(be + "/bridge", "xenbr0");
		xs.write(be + "/feature-rx-copy", "1");
		xs.write(be + "/feature-sg", "1");
		xs.write(be + "/state", "4");
		xs.write(fe + "/backend", be);
		xs.write(fe + "/backend-id", "0");
		xs.write(fe + "/handle", Integer.toString(devid));
		xs.write(fe + "/mac", mac);
		xs.write(fe + "/tx-ring-ref", "9");
		xs.write(fe + "/rx-ring-ref", "10");
		xs.write(fe + "/event-channel", "13");
		xs.write(fe + "/request-rx-copy", "1");
		xs.write(fe + "/state", "4");
	}

	/** The next call of {@code function} returns {@code code}. */
	static void fail(XsHandle xs, String function, int code) {
		xs.write("/standin/fail/" + function, Integer.toString(code));
	}

	/** The arguments of the last call of {@code function}, as the stand-in received them. */
	static String last(XsHandle xs, String function) {
		return xs.read("/standin/last/" + function).orElse("");
	}

	/** Memory the stand-in and the shim allocated and nobody freed yet. */
	static long outstanding(XsHandle xs) {
		return Long.parseLong(xs.read("/standin/alloc/outstanding").orElseThrow());
	}

}
