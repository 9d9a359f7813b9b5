package org.xso.domain;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.xen.XenbusState;
import org.xso.web.StreamEvent;

/** What the domain module publishes (and relays from the hypervisor) for the event stream. */
public final class DomainEvents {

	private DomainEvents() {
	}

	/** The persisted state changed (suspended, resumed, faulted...). */
	public record DomainStateChanged(int domid, DomainState from, DomainState to, @Nullable String reason)
			implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.state";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DomainCreated(int domid, String name, DomainState state) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.created";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DomainDeleted(int domid, int checkpointsDeleted) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.deleted";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	/** At startup the hypervisor no longer knew a running domain; it was created again from its config. */
	public record DomainRecreated(int domid, String detail) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.recreated";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DeviceAttached(int domid, DeviceType type, int devid) implements StreamEvent {

		@Override
		public String eventType() {
			return "device.attached";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DeviceDetached(int domid, DeviceType type, int devid) implements StreamEvent {

		@Override
		public String eventType() {
			return "device.detached";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	/** One end of a device wrote a new XenbusState (relayed from the hypervisor). */
	public record XenbusStateChanged(int domid, DeviceType type, int devid, HypervisorEvent.End end,
			XenbusState state) implements StreamEvent {

		@Override
		public String eventType() {
			return "xenbus.state";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	/** The hypervisor's power state of a guest changed (relayed). */
	public record GuestPowerChanged(int domid, HostState state) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.power";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

}
