package org.xso.hypervisor.libxl;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorContract;
import org.xso.xen.DomId;

/**
 * The port's contract on the libxl adapter, through the JNI shim linked against the stand-in of
 * libxl and xenstore. Guests are made as xl create leaves them; the adapter creates none, hot-plugs
 * nothing, cannot read the guest's counters or ring contents, and has no simulator controls.
 */
@Tag("libxl")
class LibxlHypervisorContractTest extends HypervisorContract {

	@TempDir
	Path stateDir;

	private LibxlHypervisor hv;

	private XsHandle xs;

	@BeforeEach
	void open() {
		hv = LibxlStartup.connect(new LibxlSettings(StandIn.library(), stateDir, false, false, StandIn.classNet()));
		xs = XsHandle.open();
		xs.write("/standin/reset", "1");
	}

	@AfterEach
	void close() {
		xs.close();
		hv.close();
	}

	@Override
	protected Hypervisor hypervisor() {
		return hv;
	}

	@Override
	protected Set<Capability> capabilities() {
		return EnumSet.noneOf(Capability.class);
	}

	@Override
	protected void givenRunningGuest(DomId domid, String name) {
		StandIn.domain(xs, domid.value(), name, 131072, 1);
		StandIn.vbd(xs, domid.value(), "xvda", 51712, 2048);
		StandIn.vif(xs, domid.value(), 0, String.format("00:16:3e:00:00:%02x", domid.value()));
	}

}
