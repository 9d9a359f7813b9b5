package org.xso.domain;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.audit.Principals;
import org.xso.events.StreamEvent;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.xen.XenbusState;

/**
 * What the domain module publishes (and relays from the hypervisor) for the event stream. A change
 * made by a request or an operation names its principal (and the operation, if one made it); what
 * the hypervisor reports and what reconciliation does at startup is {@code system}'s.
 */
public final class DomainEvents {

	private DomainEvents() {
	}

	/** The persisted state changed (suspended, resumed, faulted...), by an operation or by reconciliation. */
	public record DomainStateChanged(int domid, DomainState from, DomainState to, @Nullable String reason,
			String principal, @Nullable UUID operationId) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.state";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

		@Override
		public @Nullable UUID eventOperationId() {
			return operationId;
		}

	}

	public record DomainCreated(int domid, String name, DomainState state, String principal) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.created";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	/** A request changed the domain's settings (its checkpoint retention). */
	public record DomainUpdated(int domid, int checkpointRetention, String principal) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.updated";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DomainDeleted(int domid, int checkpointsDeleted, String principal) implements StreamEvent {

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

		@Override
		public String principal() {
			return Principals.SYSTEM;
		}

	}

	public record DeviceAttached(int domid, DeviceType type, int devid, String principal) implements StreamEvent {

		@Override
		public String eventType() {
			return "device.attached";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	public record DeviceDetached(int domid, DeviceType type, int devid, String principal) implements StreamEvent {

		@Override
		public String eventType() {
			return "device.detached";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

	/**
	 * One end of a device wrote a new XenbusState (relayed from the hypervisor, which does not say
	 * on whose behalf: {@code system}, also while an operation runs).
	 */
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

		@Override
		public String principal() {
			return Principals.SYSTEM;
		}

	}

	/** The hypervisor's power state of a guest changed (relayed; {@code system}, as xenbus states are). */
	public record GuestPowerChanged(int domid, HostState state) implements StreamEvent {

		@Override
		public String eventType() {
			return "domain.power";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

		@Override
		public String principal() {
			return Principals.SYSTEM;
		}

	}

	/**
	 * The hypervisor runs a guest it started itself (relayed; the reconciler adopts it if the
	 * database does not know it). Not on the event stream: the adoption is, as {@code domain.created}.
	 */
	public record GuestIntroduced(int domid) {
	}

	/**
	 * The hypervisor runs a guest it can no longer manage (relayed); the reconciler faults the
	 * domain with {@code reason}, which the event stream then carries as the state change.
	 */
	public record GuestUnmanageable(int domid, String reason) {
	}

}
