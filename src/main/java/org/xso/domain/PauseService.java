package org.xso.domain;

import java.time.Clock;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.audit.Cause;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.Precondition;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.xen.DomId;

/**
 * Pauses a running guest and lets it run on again: synchronous changes, like hot-plugging a device.
 * Each holds the domain's lease while it calls the hypervisor (outside any transaction), so it never
 * interleaves with an operation; the domain's new state is recorded once the hypervisor has made the
 * change, attributed to the principal that asked (its {@code domain.state} event names it). If the
 * record cannot be written, the hypervisor's change is undone, so the guest stays as its domain says.
 * Stateless: it runs on the callers' threads.
 */
@Service
public class PauseService {

	private final DomainService domains;

	private final DomainRepository repository;

	private final DomainLeases leases;

	private final Hypervisor hypervisor;

	private final DomainProperties properties;

	private final TransactionTemplate tx;

	private final Clock clock;

	PauseService(DomainService domains, DomainRepository repository, DomainLeases leases, Hypervisor hypervisor,
			DomainProperties properties, TransactionTemplate tx, Clock clock) {
		this.domains = domains;
		this.repository = repository;
		this.leases = leases;
		this.hypervisor = hypervisor;
		this.properties = properties;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * RUNNING → PAUSED: the guest's vCPUs stop; its devices stay connected and its backends finish
	 * what is in flight. 409 BAD_POWER_STATE for a domain that is not RUNNING (nothing changes).
	 */
	public DomainViews.DomainView pause(int domid, Precondition expected, String principal) {
		return flip(domid, expected, principal, true);
	}

	/** PAUSED → RUNNING: the guest runs on where it stopped. 409 BAD_POWER_STATE for a domain that is not PAUSED. */
	public DomainViews.DomainView unpause(int domid, Precondition expected, String principal) {
		return flip(domid, expected, principal, false);
	}

	/**
	 * Pauses ({@code pause}) or unpauses the guest under the domain's lease and records it; if the
	 * record fails, the hypervisor's change is undone.
	 */
	private DomainViews.DomainView flip(int domid, Precondition expected, String principal, boolean pause) {
		change(domid, expected, pause ? DomainState.RUNNING : DomainState.PAUSED, pause ? "pause" : "unpause");
		DomId dom = DomId.guest(domid);
		try {
			pause(dom, pause, properties.pauseTimeout());
			try {
				record(domid, d -> {
					if (pause) {
						d.paused(clock.instant(), Cause.request(principal));
					}
					else {
						d.unpaused(clock.instant(), Cause.request(principal));
					}
				});
			}
			catch (RuntimeException e) {
				undo(() -> pause(dom, !pause, Hypervisor.undoBudget(properties.pauseTimeout())));
				throw e;
			}
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		finally {
			leases.release(domid);
		}
		return domains.get(domid);
	}

	private void pause(DomId dom, boolean pause, java.time.Duration timeout) {
		if (pause) {
			hypervisor.pause(dom, timeout);
		}
		else {
			hypervisor.unpause(dom, timeout);
		}
	}

	/**
	 * Checks the request against the domain (its tag, its host, its state) and takes its lease for
	 * {@code what}, in one transaction: 404, 412, 409 DOMAIN_ON_OTHER_HOST, BAD_POWER_STATE or
	 * DOMAIN_BUSY, and nothing taken.
	 */
	private void change(int domid, Precondition expected, DomainState from, String what) {
		tx.executeWithoutResult(s -> {
			Domain d = domains.require(domid);
			expected.check(Precondition.tag(d.version()));
			domains.requireLocal(d, what + "d");
			if (d.state() != from) {
				throw new ProblemException(ProblemCode.BAD_POWER_STATE, "cannot " + what + " domain " + domid
						+ " in state " + d.state() + "; only a " + from + " domain can be " + what + "d");
			}
			leases.acquire(domid, null, what);
		});
	}

	private void record(int domid, java.util.function.Consumer<Domain> transition) {
		tx.executeWithoutResult(s -> {
			Domain d = domains.require(domid);
			transition.accept(d);
			repository.save(d);
		});
	}

	private static void undo(Runnable undo) {
		try {
			undo.run();
		}
		catch (HypervisorException ignored) {
			// best effort: the record was not written, the guest should not stay changed without it
		}
	}

}
