package org.xso.domain;

import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.config.DeviceConfig;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.Precondition;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.xen.DomId;

/** Devices as sub-resources of a domain: read, hot-plug, detach (each attributed to the principal that asked). */
@Service
public class DeviceService {

	private final DomainService domains;

	private final DomainRepository repository;

	private final DomainLeases leases;

	private final DomainViewAssembler views;

	private final Hypervisor hypervisor;

	private final DomainProperties properties;

	private final TransactionTemplate tx;

	private final Clock clock;

	DeviceService(DomainService domains, DomainRepository repository, DomainLeases leases, DomainViewAssembler views,
			Hypervisor hypervisor, DomainProperties properties, TransactionTemplate tx, Clock clock) {
		this.domains = domains;
		this.repository = repository;
		this.leases = leases;
		this.views = views;
		this.hypervisor = hypervisor;
		this.properties = properties;
		this.tx = tx;
		this.clock = clock;
	}

	@Transactional(readOnly = true)
	public DomainViews.DeviceView device(int domid, DeviceId id) {
		Domain d = domains.require(domid);
		DomainDevice dev = d.device(id).orElseThrow(() -> notFound(domid, id));
		return views.device(dev, views.live(d).devices().get(id));
	}

	/** The device's counters; 409 BAD_POWER_STATE when the guest is not in the hypervisor. */
	@Transactional(readOnly = true)
	public DomainViews.Counters counters(int domid, DeviceId id) {
		domains.requireLocal(domid, "read live");
		DomainViews.DeviceView view = device(domid, id);
		if (view.counters() == null) {
			throw new ProblemException(ProblemCode.BAD_POWER_STATE,
					"domain " + domid + " is not running in the hypervisor; its devices have no live counters");
		}
		return view.counters();
	}

	/** Hot-plugs a device into a running guest (handshake steps 1 to 6), then records it. */
	public DomainViews.DeviceView attach(int domid, Precondition expected, DeviceConfig config,
			String principal) {
		DeviceSpec spec = config.toSpec("");
		DriverDomains.requireExisting(hypervisor, spec, "");
		tx.executeWithoutResult(s -> {
			Domain d = domains.require(domid);
			expected.check(Precondition.tag(d.version()));
			domains.requireLocal(d, "given devices");
			requireRunning(d, "hot-plug a device into");
			if (d.device(spec.id()).isPresent()) {
				throw new ProblemException(ProblemCode.DEVICE_EXISTS,
						"domain " + domid + " already has device " + spec.id());
			}
			leases.acquire(domid, null, "attach " + spec.id());
		});
		try {
			DeviceInfo info = hypervisor.attach(DomId.guest(domid), spec, properties.deviceTimeout());
			return tx.execute(s -> {
				Domain d = domains.require(domid);
				d.attach(spec, clock.instant(), principal);
				repository.save(d);
				return views.device(d.device(spec.id()).orElseThrow(), info);
			});
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		finally {
			leases.release(domid);
		}
	}

	/** Unplugs a device (Closing, then Closed on both ends) and forgets it. */
	public void detach(int domid, DeviceId id, Precondition expected, String principal) {
		tx.executeWithoutResult(s -> {
			Domain d = domains.require(domid);
			expected.check(Precondition.tag(d.version()));
			d.device(id).orElseThrow(() -> notFound(domid, id));
			domains.requireLocal(d, "given devices");
			requireRunning(d, "detach a device from");
			leases.acquire(domid, null, "detach " + id);
		});
		try {
			hypervisor.detach(DomId.guest(domid), id, properties.deviceTimeout());
			tx.executeWithoutResult(s -> {
				Domain d = domains.require(domid);
				d.detach(id, clock.instant(), principal);
				repository.save(d);
			});
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		finally {
			leases.release(domid);
		}
	}

	private static void requireRunning(Domain d, String what) {
		if (d.state() != DomainState.RUNNING) {
			throw new ProblemException(ProblemCode.BAD_POWER_STATE,
					"cannot " + what + " domain " + d.domid() + " in state " + d.state());
		}
	}

	static ProblemException notFound(int domid, DeviceId id) {
		return new ProblemException(ProblemCode.DEVICE_NOT_FOUND, "domain " + domid + " has no device " + id);
	}

}
