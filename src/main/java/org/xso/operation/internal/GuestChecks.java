package org.xso.operation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.xso.checkpoint.CheckpointStore;
import org.xso.checkpoint.CheckpointViews;
import org.xso.domain.DomainLeases;
import org.xso.domain.DomainService;
import org.xso.domain.DomainState;
import org.xso.domain.DomainViews;
import org.xso.host.HostRegistry;
import org.xso.host.HostState;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationViews;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * The dry runs of the operations on a guest. {@code GET /domains/{domid}/suspend-check}: see
 * {@link #suspendCheck}. {@code GET /domains/{domid}/resume-check}: every reason a resume would fail, machine
 * readable, without changing anything: a busy domain, a power state that is not SUSPENDED, a
 * missing or foreign checkpoint, each part whose checksum does not verify, an unsupported format
 * version, and what the host itself objects to (a missing backend, a feature the backend lacks) —
 * which only the instance serving the domain's host can ask; elsewhere, whether that host is up.
 */
@Service
class GuestChecks {

	private static final Logger log = LoggerFactory.getLogger(GuestChecks.class);

	private final DomainService domains;

	private final DomainLeases leases;

	private final OperationService operations;

	private final CheckpointStore store;

	private final Hypervisor hypervisor;

	private final HostRegistry hosts;

	GuestChecks(DomainService domains, DomainLeases leases, OperationService operations, CheckpointStore store,
			Hypervisor hypervisor, HostRegistry hosts) {
		this.hosts = hosts;
		this.domains = domains;
		this.leases = leases;
		this.operations = operations;
		this.store = store;
		this.hypervisor = hypervisor;
	}

	OperationViews.ResumeCheck check(int domid, @Nullable UUID requested) {
		DomainViews.DomainRecord d = domains.record(domid);
		List<OperationViews.Reason> reasons = new ArrayList<>();
		boolean here = common(d, DomainState.SUSPENDED, "resumed", reasons);
		UUID checkpoint;
		try {
			checkpoint = operations.resumable(d, requested);
		}
		catch (ProblemException e) {
			OperationViews.ReasonCode code = switch (e.code()) {
				case NO_CHECKPOINT -> OperationViews.ReasonCode.NO_CHECKPOINT;
				case CHECKPOINT_DOMAIN_MISMATCH -> OperationViews.ReasonCode.CHECKPOINT_DOMAIN_MISMATCH;
				default -> OperationViews.ReasonCode.CHECKPOINT_NOT_FOUND;
			};
			reasons.add(reason(code, String.valueOf(e.getMessage())));
			return new OperationViews.ResumeCheck(domid, requested, false, reasons, d.host(), false);
		}
		CheckpointViews.Integrity integrity = store.integrity(checkpoint);
		if (!integrity.formatSupported()) {
			reasons.add(reason(OperationViews.ReasonCode.FORMAT_VERSION_UNSUPPORTED,
					"format version " + integrity.formatVersion() + " is not supported"));
		}
		integrity.failures().forEach(f -> reasons.add(reason(OperationViews.ReasonCode.CHECKSUM_MISMATCH, f)));
		if (here && integrity.ok()) {
			try {
				hypervisor.resumeBlockers(store.loadVerified(checkpoint)).forEach(b -> reasons.add(reason(b)));
			}
			catch (HypervisorException e) {
				log.debug("The hypervisor refused to check checkpoint {}: {}", checkpoint,
						SafeText.escape(e.getMessage()));
				reasons.add(reason(OperationViews.ReasonCode.HYPERVISOR_REFUSED, HypervisorProblems.detail(e)));
			}
		}
		return new OperationViews.ResumeCheck(domid, checkpoint, reasons.isEmpty(), reasons, d.host(), here);
	}

	/**
	 * {@code GET /domains/{domid}/suspend-check}: every reason a suspend (or live checkpoint) with
	 * {@code strategy} would be refused or fail part-way, without touching the guest: a busy domain,
	 * a state that is not RUNNING, and what the host finds (the guest not running, a device not
	 * connected, a backend that does not answer) — which only the instance serving the domain's host
	 * can ask; elsewhere, whether that host is up.
	 */
	OperationViews.SuspendCheck suspendCheck(int domid, SuspendStrategy strategy) {
		DomainViews.DomainRecord d = domains.record(domid);
		List<OperationViews.Reason> reasons = new ArrayList<>();
		boolean here = common(d, DomainState.RUNNING, "quiesced", reasons);
		if (here && d.state() == DomainState.RUNNING) {
			try {
				hypervisor.suspendBlockers(DomId.guest(domid), strategy)
					.forEach(b -> reasons.add(reason(OperationViews.ReasonCode.valueOf(b.kind().name()), b.toString())));
			}
			catch (HypervisorException e) {
				reasons.add(reason(OperationViews.ReasonCode.HYPERVISOR_REFUSED, HypervisorProblems.detail(e)));
			}
		}
		return new OperationViews.SuspendCheck(domid, strategy, reasons.isEmpty(), reasons, d.host(), here);
	}

	/**
	 * What both checks find in the database: the domain busy, not in {@code state}, or on another
	 * host that is down. Returns whether this instance serves the domain's host (only then can the
	 * host's own findings be asked; elsewhere they are its instance's to check).
	 */
	private boolean common(DomainViews.DomainRecord d, DomainState state, String what,
			List<OperationViews.Reason> reasons) {
		leases.find(d.domid())
			.ifPresent(l -> reasons.add(reason(OperationViews.ReasonCode.DOMAIN_BUSY,
					"busy with " + (l.operationId() != null ? "operation " + l.operationId() : l.purpose()))));
		if (d.state() != state) {
			reasons.add(reason(OperationViews.ReasonCode.BAD_POWER_STATE,
					"domain is " + d.state() + "; only a " + state + " domain can be " + what));
		}
		boolean here = hosts.servesHere(d.host());
		if (!here) {
			hosts.find(String.valueOf(d.host()))
				.filter(h -> h.state() != HostState.UP)
				.ifPresent(h -> reasons.add(reason(OperationViews.ReasonCode.HOST_UNAVAILABLE,
						"host " + h.name() + " is " + h.state() + " (last heartbeat " + h.lastHeartbeatAt() + ")")));
		}
		return here;
	}

	/**
	 * A blocker the host reports, under the reason code of the same name, in the service's words (the
	 * adapter's own sentence is logged at debug).
	 */
	static OperationViews.Reason reason(ResumeBlocker blocker) {
		log.debug("Resume blocker: {}", SafeText.escape(blocker.toString()));
		return reason(OperationViews.ReasonCode.valueOf(blocker.kind().name()), HypervisorProblems.describe(blocker));
	}

	private static OperationViews.Reason reason(OperationViews.ReasonCode code, String detail) {
		return new OperationViews.Reason(code, detail);
	}

}
