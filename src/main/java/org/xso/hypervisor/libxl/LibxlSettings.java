package org.xso.hypervisor.libxl;

import java.nio.file.Path;

/**
 * The adapter's configuration: {@code xso.libxl.library} (the shim built by {@code -Plibxl}),
 * {@code xso.libxl.state-dir} (where save images are written while a guest is quiesced) and the
 * {@code libxl_domain_suspend} flags {@code xso.libxl.suspend-live} and {@code xso.libxl.suspend-debug};
 * {@code xso.libxl.class-net}, where dom0's network interfaces are listed (its bridges among them).
 */
record LibxlSettings(Path library, Path stateDir, boolean suspendLive, boolean suspendDebug, Path classNet) {

	int suspendFlags() {
		return (suspendLive ? LibxlNative.LIBXL_SUSPEND_LIVE : 0) | (suspendDebug ? LibxlNative.LIBXL_SUSPEND_DEBUG : 0);
	}

}
