package org.xso.hypervisor.sim;

import org.xso.hypervisor.DeviceId;
import org.xso.xen.DomId;
import org.xso.xen.grant.GrantTable;

/**
 * Read-only counters of a simulated host that the port does not report, for the benchmarks only
 * (it lives with them, outside the production jar): machine frames in use, grant operations, and
 * a block workload's completions read without a hop through the frontend's executor.
 */
public final class SimProbe {

	private final SimHost host;

	public SimProbe(SimHypervisor hypervisor) {
		this.host = hypervisor.host;
	}

	/** Machine frames in use on the host. */
	public int framesInUse() {
		return this.host.memory.allocatedFrames();
	}

	/** Grant maps the backends performed (GNTTABOP_map_grant_ref that succeeded). */
	public long grantMaps() {
		return this.host.grants.mapsPerformed();
	}

	/** Grant copies performed (netback's tx and rx). */
	public long grantCopies() {
		return this.host.grants.copiesPerformed();
	}

	/** Grants {@code domid}'s current grant table issued since it was created, or 0. */
	public long grantsIssued(DomId domid) {
		return this.host.grants.table(domid).map(GrantTable::grantsIssued).orElse(0L);
	}

	/** Grants {@code domid}'s current grant table ended since it was created, or 0. */
	public long grantsEnded(DomId domid) {
		return this.host.grants.table(domid).map(GrantTable::grantsEnded).orElse(0L);
	}

	/** Requests the guest's block workload on {@code device} saw complete, or -1 without one. */
	public long blockCompleted(DomId domid, DeviceId device) {
		SimGuest g = this.host.guest(domid);
		BlockWorkload w = (g == null) ? null : g.blockWorkload(device);
		return (w == null) ? -1 : w.counters()[1];
	}

}
