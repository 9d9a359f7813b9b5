package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DiskVerification;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/**
 * Workloads and faults of the simulated host, beside the port. Called on the callers' threads; it
 * keeps no state of its own: the workloads and {@link SimFaults} are thread-safe, and what it needs
 * of a driver it asks the driver for ({@link Frontend#eventChannels()}).
 */
final class SimControls implements SimulatorControls {

	private final SimHost host;

	SimControls(SimHost host) {
		this.host = host;
	}

	@Override
	public void halt() {
		host.halt();
	}

	private SimGuest guest(DomId domid) {
		SimGuest g = host.guest(domid);
		if (g == null) {
			throw new HypervisorException(Reason.DOMAIN_NOT_FOUND, "no domain " + domid);
		}
		return g;
	}

	@Override
	public void startWorkload(DomId domid, WorkloadSpec spec) {
		SimGuest g = guest(domid);
		if (spec.block()) {
			g.blockWorkloads().forEach(w -> w.start(spec));
		}
		if (spec.net()) {
			g.netWorkloads().forEach(w -> w.start(spec));
		}
	}

	@Override
	public void stopWorkload(DomId domid) {
		SimGuest g = guest(domid);
		g.workloads().forEach(Workload::stop);
	}

	@Override
	public boolean workloadRunning(DomId domid) {
		SimGuest g = guest(domid);
		return g.workloads().stream().anyMatch(Workload::running);
	}

	/**
	 * Holds each block workload (what is outstanding completes, nothing new is issued), reads its
	 * region back in a bounded window, then lets it go on as it was: a running workload keeps
	 * running, also when the pass fails or times out. One pass per guest at a time.
	 */
	@Override
	public DiskVerification verifyDisks(DomId domid, Duration timeout) {
		SimGuest g = guest(domid);
		if (g.paused()) {
			// a paused guest runs no verify pass: its reads would wait until it is unpaused
			throw new HypervisorException(Reason.BAD_POWER_STATE,
					"dom" + domid + " is paused: unpause it to read its disks back");
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (g) {
			List<BlockWorkload> workloads = g.blockWorkloads();
			long before = 0;
			long writtenBefore = 0;
			try {
				for (BlockWorkload w : workloads) {
					w.holdForVerify();
					before += w.verifyFailures();
					writtenBefore += w.writtenSectorsChecked();
				}
				await(g, () -> workloads.stream().allMatch(w -> w.outstanding() == 0), deadline);
				workloads.forEach(BlockWorkload::startVerifyPass);
				await(g, () -> workloads.stream().allMatch(BlockWorkload::verifyDone), deadline);
				long after = 0;
				long writtenAfter = 0;
				for (BlockWorkload w : workloads) {
					after += w.verifyFailures();
					writtenAfter += w.writtenSectorsChecked();
				}
				return new DiskVerification(after - before, writtenAfter - writtenBefore);
			}
			finally {
				workloads.forEach(BlockWorkload::releaseFromVerify);
			}
		}
	}

	private static void await(SimGuest g, java.util.function.BooleanSupplier done, long deadline) {
		while (!done.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new HypervisorException(Reason.BACKEND_TIMEOUT, "dom" + g.domid() + " I/O did not settle");
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new HypervisorException(Reason.INTERNAL, "interrupted");
			}
		}
	}

	@Override
	public void setBackendLatency(DomId domid, DeviceId device, Duration latency) {
		guest(domid);
		host.faults.setBlockLatency(domid, device, latency);
	}

	/** The device's first event channel is asked of its driver (a control has no deadline of its own). */
	@Override
	public void loseNotifications(DomId domid, DeviceId device, int n) {
		Frontend f = guest(domid).frontend(device);
		List<EvtchnPort> ports = f == null ? List.of()
				: Frontend.await(f.eventChannels(), System.nanoTime() + Frontend.DRIVER_ANSWER.toNanos(),
						Reason.INTERNAL, device + " driver did not answer");
		if (ports.isEmpty()) {
			throw new HypervisorException(Reason.DEVICE_NOT_FOUND, "dom" + domid + " has no connected " + device);
		}
		host.evtchn.dropNotifications(domid, ports.get(0), n);
	}

	@Override
	public void setGuestSuspendLatency(DomId domid, Duration latency) {
		host.faults.setSuspendLatency(domid, latency);
	}

	@Override
	public void setTeardownLatency(DomId domid, Duration latency) {
		host.faults.setTeardownLatency(domid, latency);
	}

	@Override
	public void setStorageCheckLatency(DomId domid, Duration latency) {
		host.faults.setStorageCheckLatency(domid, latency);
	}

	@Override
	public void setBackendsStall(DomId domid, boolean stall) {
		host.faults.setStalled(domid, stall);
	}

	@Override
	public void setBackendFeaturesAfterRestore(DomId domid, DeviceId device, BlkbackFeatures features) {
		host.faults.setFeaturesAfterRestore(domid, device, features);
	}

	@Override
	public void injectXenstoreConflicts(int n) {
		host.xenstore.injectTransactionConflicts(n);
	}

}
