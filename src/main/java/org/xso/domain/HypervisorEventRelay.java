package org.xso.domain;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.Hypervisor;

/**
 * Relays what the hypervisor reports (xenbus state changes, power state changes) as application
 * events, which the event stream records; nobody polls the hypervisor for them.
 */
@Component
class HypervisorEventRelay {

	private final ApplicationEventPublisher events;

	HypervisorEventRelay(Hypervisor hypervisor, ApplicationEventPublisher events) {
		this.events = events;
		hypervisor.addListener(this::relay);
	}

	private void relay(HypervisorEvent event) {
		if (event instanceof HypervisorEvent.XenbusStateChanged x) {
			events.publishEvent(new DomainEvents.XenbusStateChanged(x.domid().value(), x.device().type(),
					x.device().devid(), x.end(), x.state()));
		}
		else if (event instanceof HypervisorEvent.GuestIntroduced g) {
			events.publishEvent(new DomainEvents.GuestIntroduced(g.domid().value()));
		}
		else if (event instanceof HypervisorEvent.GuestStateChanged g) {
			events.publishEvent(
					new DomainEvents.GuestPowerChanged(g.domid().value(), DomainViewAssembler.host(g.state())));
		}
		else if (event instanceof HypervisorEvent.GuestUnmanageable g) {
			events.publishEvent(new DomainEvents.GuestUnmanageable(g.domid().value(), g.reason()));
		}
	}

}
