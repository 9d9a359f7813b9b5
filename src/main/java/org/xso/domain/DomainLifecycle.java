package org.xso.domain;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.audit.Cause;
import org.xso.host.HostEvents;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.GuestSpec;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * The state changes operations (and reconciliation) make to domains. Each joins the caller's
 * transaction, so an operation's own bookkeeping and the domain's new state commit together; each
 * is attributed to the {@link Cause} given, which the domain's events carry.
 */
@Service
public class DomainLifecycle {

	private final DomainService domains;

	private final DomainRepository repository;

	private final DomainProperties properties;

	private static final Logger log = LoggerFactory.getLogger(DomainLifecycle.class);

	private final Clock clock;

	private final HostRegistry hosts;

	DomainLifecycle(DomainService domains, DomainRepository repository, DomainProperties properties, Clock clock,
			HostRegistry hosts) {
		this.hosts = hosts;
		this.domains = domains;
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
	}

	@Transactional
	public void suspended(int domid, UUID checkpointId, Cause cause) {
		Domain d = domains.require(domid);
		d.suspended(checkpointId, clock.instant(), cause);
		repository.save(d);
	}

	@Transactional
	public void resumed(int domid, List<BackendOverride> overrides, Cause cause) {
		Domain d = domains.require(domid);
		d.resumed(overrides, clock.instant(), cause);
		repository.save(d);
	}

	/** A guest brought back and left paused, as its resume or restore asked: RUNNING → PAUSED. */
	@Transactional
	public void paused(int domid, Cause cause) {
		Domain d = domains.require(domid);
		d.paused(clock.instant(), cause);
		repository.save(d);
	}

	@Transactional
	public void faulted(int domid, String reason, Cause cause) {
		repository.findById(domid).ifPresent(d -> {
			d.faulted(reason, clock.instant(), cause);
			repository.save(d);
		});
	}

	@Transactional
	public void recovered(int domid, String reason, Cause cause) {
		Domain d = domains.require(domid);
		d.recovered(reason, clock.instant(), cause);
		repository.save(d);
	}

	/**
	 * A SUSPENDED domain moves to host {@code host}, whose instance resumes it (in the caller's
	 * transaction: the resume that is being accepted).
	 */
	@Transactional
	public void moveTo(int domid, String host) {
		Domain d = domains.require(domid);
		d.moveTo(host, clock.instant());
		repository.save(d);
	}

	/** Records the target of a restore (RESTORING); 409 DOMAIN_EXISTS if the id is taken. */
	@Transactional
	public void restoring(int domid, String host, GuestSpec spec, Cause cause) {
		if (repository.existsById(domid)) {
			throw new ProblemException(ProblemCode.DOMAIN_EXISTS, "domain " + domid + " exists");
		}
		repository.save(Domain.restoring(domid, host, spec, properties.defaultRetention(), clock.instant(), cause));
	}

	/** Forgets the target of a restore that failed (nothing of it is left in the hypervisor). */
	@Transactional
	public void discardRestoring(int domid) {
		repository.findById(domid).filter(d -> d.state() == DomainState.RESTORING).ifPresent(repository::delete);
	}

	/**
	 * Records a domain this instance's hypervisor runs but the database did not know (adoption), on
	 * this instance's host; false if it knew it.
	 */
	@Transactional
	public boolean adopt(int domid, GuestSpec spec, Cause cause) {
		if (repository.existsById(domid)) {
			return false;
		}
		repository.save(Domain.running(domid, hosts.localName(), spec, properties.defaultRetention(), clock.instant(),
				cause));
		return true;
	}

	@Transactional(readOnly = true)
	public List<DomainViews.DomainRecord> all() {
		return repository.findAll().stream().map(DomainLifecycle::record).toList();
	}

	/**
	 * Domains recorded before hosts existed are this instance's host's from now on (the first
	 * instance to register takes them: a single-instance deployment keeps its domains).
	 */
	@EventListener
	void onHostRegistered(HostEvents.HostRegistered registered) {
		int claimed = repository.claimUnhosted(registered.name());
		if (claimed > 0) {
			log.info("Host {} takes the {} domains recorded before hosts existed", registered.name(), claimed);
		}
	}

	@Transactional(readOnly = true)
	public Optional<DomainViews.DomainRecord> find(int domid) {
		return repository.findById(domid).map(DomainLifecycle::record);
	}

	private static DomainViews.DomainRecord record(Domain d) {
		return new DomainViews.DomainRecord(d.domid(), d.name(), d.host(), d.state(), d.spec(), d.suspendCheckpointId(),
				d.checkpointRetention(), d.version());
	}

}
