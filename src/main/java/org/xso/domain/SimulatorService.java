package org.xso.domain;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.DiskVerification;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/**
 * Workloads and fault injection, which only the simulator adapter has. With another adapter every
 * call is 422 SIMULATOR_NOT_AVAILABLE: a request this service cannot ever satisfy as configured,
 * not a transient outage.
 */
@Service
public class SimulatorService {

	private final Hypervisor hypervisor;

	private final ObjectProvider<SimulatorControls> simulator;

	private final DomainService domains;

	SimulatorService(Hypervisor hypervisor, ObjectProvider<SimulatorControls> simulator, DomainService domains) {
		this.hypervisor = hypervisor;
		this.simulator = simulator;
		this.domains = domains;
	}

	public boolean available() {
		return simulator.getIfAvailable() != null;
	}

	/** Stops the simulated host where it is (see {@link SimulatorControls#halt()}); false without a simulator. */
	boolean halt() {
		SimulatorControls s = simulator.getIfAvailable();
		if (s == null) {
			return false;
		}
		s.halt();
		return true;
	}

	public SimulatorRequests.WorkloadStatus workload(int domid) {
		domains.requireLocal(domid, "given its workload");
		return new SimulatorRequests.WorkloadStatus(domid, call(s -> s.workloadRunning(DomId.guest(domid))));
	}

	public SimulatorRequests.WorkloadStatus command(int domid, SimulatorRequests.WorkloadCommand c) {
		if (c.action() == null) {
			throw ProblemException.invalid(Violation.of("/action", "is required: START or STOP"));
		}
		if (c.action() == SimulatorRequests.WorkloadAction.STOP) {
			stopTakesNothingElse(c);
		}
		else {
			spec(c);
		}
		DomainViews.DomainRecord d = domains.record(domid);
		domains.requireLocal(domid, "given its workload");
		if (c.action() == SimulatorRequests.WorkloadAction.STOP) {
			call(s -> {
				s.stopWorkload(DomId.guest(domid));
				return null;
			});
			return workload(domid);
		}
		if (d.state() != DomainState.RUNNING) {
			throw new ProblemException(ProblemCode.BAD_POWER_STATE,
					"domain " + domid + " is " + d.state() + "; a workload runs only in a running guest");
		}
		WorkloadSpec spec = spec(c);
		call(s -> {
			s.startWorkload(DomId.guest(domid), spec);
			return null;
		});
		return workload(domid);
	}

	/** Starts the default workload (the demo guests). */
	public void startDefaultWorkload(int domid) {
		call(s -> {
			if (!s.workloadRunning(DomId.guest(domid))) {
				s.startWorkload(DomId.guest(domid), WorkloadSpec.DEFAULT);
			}
			return null;
		});
	}

	public SimulatorRequests.VerifyResult verify(int domid, SimulatorRequests.VerifyRequest request) {
		domains.requireLocal(domid, "verified");
		int timeoutMs = request.timeoutMs() == null ? 10_000 : request.timeoutMs();
		if (timeoutMs < 1 || timeoutMs > 600_000) {
			throw ProblemException.invalid(Violation.of("/timeoutMs", "must be 1..600000: " + timeoutMs));
		}
		DiskVerification v = call(s -> s.verifyDisks(DomId.guest(domid), Duration.ofMillis(timeoutMs)));
		return new SimulatorRequests.VerifyResult(domid, v.mismatches(), v.writtenSectors());
	}

	public void inject(SimulatorRequests.Fault f) {
		SimulatorFaults.validate(f);
		if (f.domid() != null) {
			domains.requireLocal(f.domid(), "given faults");
		}
		call(s -> {
			SimulatorFaults.apply(s, f);
			return null;
		});
	}

	private static WorkloadSpec spec(SimulatorRequests.WorkloadCommand c) {
		range(c.queueDepth(), "/queueDepth", 1, 1024);
		range(c.maxSectors(), "/maxSectors", 1, 256);
		range(c.regionSectors(), "/regionSectors", 1, WorkloadSpec.MAX_REGION_SECTORS);
		range(c.packetWindow(), "/packetWindow", 1, 256);
		WorkloadSpec d = WorkloadSpec.DEFAULT;
		try {
			return new WorkloadSpec(c.block() == null ? d.block() : c.block(),
					c.queueDepth() == null ? d.queueDepth() : c.queueDepth(),
					c.maxSectors() == null ? d.maxSectors() : c.maxSectors(),
					c.regionSectors() == null ? d.regionSectors() : c.regionSectors(),
					c.net() == null ? d.net() : c.net(), c.packetWindow() == null ? d.packetWindow() : c.packetWindow());
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(Violation.of("", String.valueOf(e.getMessage())));
		}
	}

	/** STOP takes only {@code action}, as the contract's {@code oneOf} on {@code action} says. */
	private static void stopTakesNothingElse(SimulatorRequests.WorkloadCommand c) {
		Object[][] members = { { "/block", c.block() }, { "/queueDepth", c.queueDepth() },
				{ "/maxSectors", c.maxSectors() }, { "/regionSectors", c.regionSectors() }, { "/net", c.net() },
				{ "/packetWindow", c.packetWindow() } };
		for (Object[] member : members) {
			if (member[1] != null) {
				throw ProblemException.invalid(Violation.of((String) member[0], "does not apply to STOP"));
			}
		}
	}

	private static void range(@Nullable Number value, String pointer, long min, long max) {
		if (value != null && (value.longValue() < min || value.longValue() > max)) {
			throw ProblemException.invalid(Violation.of(pointer, "must be " + min + ".." + max + ": " + value));
		}
	}

	private <T> T call(java.util.function.Function<SimulatorControls, @Nullable T> action) {
		SimulatorControls s = java.util.Optional.ofNullable(simulator.getIfAvailable())
			.orElseThrow(() -> new ProblemException(ProblemCode.SIMULATOR_NOT_AVAILABLE,
					"the " + hypervisor.kind() + " adapter has no workload or fault controls"));
		try {
			return action.apply(s);
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(Violation.of("", String.valueOf(e.getMessage())));
		}
	}

	static DeviceId device(@Nullable DeviceType type, @Nullable Integer devid) {
		if (type == null || devid == null) {
			throw ProblemException.invalid(Violation.of("/deviceType", "deviceType and devid are required"));
		}
		return new DeviceId(type, devid);
	}

	static BlkbackFeatures features(SimulatorRequests.Fault f) {
		if (f.features() == null) {
			throw ProblemException.invalid(Violation.of("/features", "is required"));
		}
		f.features().validate("/features");
		return f.features().toPort();
	}

}
