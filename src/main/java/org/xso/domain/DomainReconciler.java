package org.xso.domain;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.xso.audit.Cause;
import org.xso.audit.Principals;
import org.xso.host.HostEvents;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.problem.HypervisorProblems;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * Makes the database and this instance's hypervisor agree at startup, after operation recovery, for
 * the domains of the host this instance serves (another host's are its instance's): a RUNNING
 * domain the hypervisor no longer knows is created again from its stored config on its disks (and
 * an event says so), and one whose guest is paused (a pause the service stopped before recording) is
 * unpaused; a PAUSED domain is the same with the guest paused (created again and paused, or paused
 * again if it runs); SUSPENDED domains stay SUSPENDED and resumable from their checkpoint; a guest the
 * hypervisor runs that the database does not know is adopted. Domains under a lease are left to
 * their operation. What it changes is attributed to {@code system}.
 */
@Component
public class DomainReconciler {

	private static final Logger log = LoggerFactory.getLogger(DomainReconciler.class);

	private final Hypervisor hypervisor;

	private final DomainLifecycle lifecycle;

	private final DomainLeases leases;

	private final DomainProperties properties;

	private final ApplicationEventPublisher events;

	private final HostRegistry hosts;

	private final SimulatorService simulator;

	DomainReconciler(Hypervisor hypervisor, DomainLifecycle lifecycle, DomainLeases leases,
			DomainProperties properties, ApplicationEventPublisher events, HostRegistry hosts,
			SimulatorService simulator) {
		this.hosts = hosts;
		this.simulator = simulator;
		this.hypervisor = hypervisor;
		this.lifecycle = lifecycle;
		this.leases = leases;
		this.properties = properties;
		this.events = events;
	}

	public void reconcile() {
		List<GuestInfo> guests;
		try {
			guests = hypervisor.guests();
		}
		catch (HypervisorException e) {
			log.warn("Cannot reconcile domains: the hypervisor does not answer ({})", SafeText.escape(e.getMessage()));
			return;
		}
		Set<Integer> known = new HashSet<>();
		for (DomainViews.DomainRecord d : lifecycle.all()) {
			known.add(d.domid());
			if (!hosts.servesHere(d.host())) {
				continue; // another host's guest: its instance reconciles it
			}
			if (leases.find(d.domid()).isEmpty()) {
				reconcile(d, guests.stream().filter(g -> g.domid().value() == d.domid()).findFirst());
			}
		}
		for (GuestInfo g : guests) {
			if (!g.domid().isDom0() && !known.contains(g.domid().value()) && g.state() != PowerState.SUSPENDED) {
				lifecycle.adopt(g.domid().value(), g.config(), Cause.SYSTEM);
				log.info("Adopted domain {} ({}) that the hypervisor runs", g.domid(),
						SafeText.quote(g.config().name()));
			}
		}
	}

	/**
	 * Adopts a guest the host started while the service runs (the libxl adapter reports an
	 * {@code xl create}); a domain the database knows, one under a lease (a restore in progress)
	 * and one that is gone or saved again by now are left alone.
	 */
	@EventListener
	void onGuestIntroduced(DomainEvents.GuestIntroduced introduced) {
		int domid = introduced.domid();
		try {
			if (lifecycle.find(domid).isPresent() || leases.find(domid).isPresent()) {
				return;
			}
			Optional<GuestInfo> guest = hypervisor.guest(DomId.guest(domid));
			if (guest.isEmpty() || guest.get().state() == PowerState.SUSPENDED) {
				return;
			}
			if (lifecycle.adopt(domid, guest.get().config(), Cause.SYSTEM)) {
				log.info("Adopted domain {} ({}) that the hypervisor started", domid,
						SafeText.quote(guest.get().config().name()));
				events.publishEvent(new DomainEvents.DomainCreated(domid, guest.get().config().name(),
						DomainState.RUNNING, Principals.SYSTEM));
			}
		}
		catch (HypervisorException e) {
			log.warn("Cannot adopt domain {}: {}", domid, SafeText.escape(e.getMessage()));
		}
	}

	/**
	 * Another instance now serves this instance's host. A simulated host lives in its instance, and
	 * the instance that took the host over has started its guests again in its own: this one's stops
	 * where it is (nothing is torn down, no disk touched), so that no guest runs twice. A real dom0 is
	 * one host whichever instance drives it: its guests stay.
	 */
	@EventListener
	void onHostLost(HostEvents.HostLost lost) {
		if (simulator.halt()) {
			log.warn("This instance's simulated host stopped: host {} is served by instance {} now",
					SafeText.quote(lost.name()), SafeText.quote(lost.by()));
		}
	}

	/**
	 * A guest the hypervisor can no longer manage: its domain is FAULTED with the hypervisor's
	 * reason (an operation on it is then refused saying so). A domain already SUSPENDED or being
	 * restored is not this guest's record any more and stays as it is.
	 */
	@EventListener
	void onGuestUnmanageable(DomainEvents.GuestUnmanageable lost) {
		lifecycle.find(lost.domid())
			.filter(d -> d.state() == DomainState.RUNNING || d.state() == DomainState.PAUSED)
			.ifPresent(d -> {
				lifecycle.faulted(d.domid(), lost.reason(), Cause.SYSTEM);
				log.warn("Domain {} ({}) is FAULTED: {}", d.domid(), SafeText.quote(d.name()),
						SafeText.escape(lost.reason()));
			});
	}

	/**
	 * Reconciles one domain whose lease operation recovery holds, before that operation runs again
	 * (or after it ended): a RUNNING or PAUSED domain gets its guest back, a FAULTED one is cleared if
	 * its guest runs with every device connected. A RESTORING domain is left to its restore.
	 */
	public void reconcileUnderRecovery(int domid) {
		try {
			Optional<GuestInfo> guest = hypervisor.guest(DomId.guest(domid));
			// one domain read, not all of them: recovery calls this once per interrupted operation; a
			// domain its operation handed over to another host (a move) is that host's now
			lifecycle.find(domid)
				.filter(d -> d.state() != DomainState.RESTORING && hosts.servesHere(d.host()))
				.ifPresent(d -> reconcile(d, guest));
		}
		catch (HypervisorException e) {
			log.warn("Cannot reconcile domain {}: {}", domid, SafeText.escape(e.getMessage()));
		}
	}

	private void reconcile(DomainViews.DomainRecord d, Optional<GuestInfo> guest) {
		switch (d.state()) {
			case RUNNING -> {
				if (guest.isEmpty()) {
					recreate(d, "running");
				}
				else if (guest.get().state() == PowerState.PAUSED) {
					unpause(d);
				}
			}
			case PAUSED -> {
				if (guest.isEmpty()) {
					if (recreate(d, "paused")) {
						pause(d, "was created again at startup");
					}
				}
				else if (guest.get().state() == PowerState.RUNNING) {
					pause(d, "ran at startup");
				}
			}
			case RESTORING -> {
				// a restore that recovery did not finish: nothing of it may be left behind
				guest.ifPresent(g -> destroyQuietly(d.domid()));
				lifecycle.discardRestoring(d.domid());
			}
			case FAULTED -> {
				if (guest.isPresent() && guest.get().state() == PowerState.RUNNING && allConnected(d, guest.get())) {
					lifecycle.recovered(d.domid(), "running with every device connected at startup", Cause.SYSTEM);
				}
			}
			case SUSPENDED -> {
				// stays SUSPENDED: resumable from its checkpoint alone
			}
		}
	}

	/** Every device the domain has (as stored) is there and connected: none missing, none half-way. */
	private static boolean allConnected(DomainViews.DomainRecord d, GuestInfo guest) {
		Set<DeviceId> present = new HashSet<>();
		guest.devices().forEach(x -> present.add(x.id()));
		return guest.devices().stream().allMatch(x -> x.connected())
				&& d.spec().devices().stream().allMatch(x -> present.contains(x.id()));
	}

	/** Creates the guest of a {@code how} (running or paused) domain again; false (and FAULTED) if it failed. */
	private boolean recreate(DomainViews.DomainRecord d, String how) {
		try {
			hypervisor.create(Optional.of(DomId.guest(d.domid())), d.spec(), properties.connectTimeout());
			events.publishEvent(new DomainEvents.DomainRecreated(d.domid(), "the hypervisor no longer knew this "
					+ how + " domain; created again from its stored config"
					+ (how.equals("paused") ? " and paused" : "")));
			log.info("Re-created domain {} ({}) from its stored config", d.domid(), SafeText.quote(d.name()));
			return true;
		}
		catch (HypervisorException e) {
			lifecycle.faulted(d.domid(), "could not be re-created at startup: " + HypervisorProblems.detail(e),
					Cause.SYSTEM);
			log.warn("Could not re-create domain {} ({}): {}", d.domid(), SafeText.quote(d.name()),
					SafeText.escape(e.getMessage()));
			return false;
		}
	}

	/**
	 * Pauses the guest of a PAUSED domain that {@code why} (it runs): a guest that cannot be paused
	 * runs against its record, which is FAULTED saying so.
	 */
	private void pause(DomainViews.DomainRecord d, String why) {
		try {
			hypervisor.pause(DomId.guest(d.domid()), properties.pauseTimeout());
			log.info("Paused domain {} ({}) again: it {}", d.domid(), SafeText.quote(d.name()), why);
		}
		catch (HypervisorException e) {
			lifecycle.faulted(d.domid(), "is recorded PAUSED, but its guest " + why + " and could not be paused: "
					+ HypervisorProblems.detail(e), Cause.SYSTEM);
			log.warn("Could not pause domain {} ({}) again: {}", d.domid(), SafeText.quote(d.name()),
					SafeText.escape(e.getMessage()));
		}
	}

	/**
	 * Unpauses the paused guest of a RUNNING domain (a pause the service stopped before recording
	 * it). A guest that a quiesce froze is not unpaused (the adapter refuses): operation recovery
	 * thaws those, and one it could not thaw is FAULTED.
	 */
	private void unpause(DomainViews.DomainRecord d) {
		try {
			hypervisor.unpause(DomId.guest(d.domid()), properties.pauseTimeout());
			log.info("Unpaused domain {} ({}): it is recorded RUNNING", d.domid(), SafeText.quote(d.name()));
		}
		catch (HypervisorException e) {
			log.warn("Domain {} ({}) is recorded RUNNING but its guest is paused and was not unpaused: {}", d.domid(),
					SafeText.quote(d.name()), SafeText.escape(e.getMessage()));
		}
	}

	private void destroyQuietly(int domid) {
		try {
			hypervisor.destroy(DomId.guest(domid), properties.destroyTimeout());
		}
		catch (HypervisorException e) {
			log.warn("Could not destroy the remains of domain {}: {}", domid, e.getMessage());
		}
	}

}
