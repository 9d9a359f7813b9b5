package org.xso.hypervisor.sim;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The port's contract on the simulator as the service runs it: disks and snapshots in files. */
class FileBackedSimHypervisorContractTest extends SimHypervisorContractTest {

	@TempDir
	Path dir;

	@Override
	SimHypervisor open() {
		return new SimHypervisor(dir);
	}

}
