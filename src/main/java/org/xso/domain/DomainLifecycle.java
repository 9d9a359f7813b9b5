package org.xso.domain;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.audit.Cause;
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

	private final Clock clock;

	DomainLifecycle(DomainService domains, DomainRepository repository, DomainProperties properties, Clock clock) {
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
	public void resumed(int domid, Cause cause) {
		Domain d = domains.require(domid);
		d.resumed(clock.instant(), cause);
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

	/** Records the target of a restore (RESTORING); 409 DOMAIN_EXISTS if the id is taken. */
	@Transactional
	public void restoring(int domid, GuestSpec spec, Cause cause) {
		if (repository.existsById(domid)) {
			throw new ProblemException(ProblemCode.DOMAIN_EXISTS, "domain " + domid + " exists");
		}
		repository.save(Domain.restoring(domid, spec, properties.defaultRetention(), clock.instant(), cause));
	}

	/** Forgets the target of a restore that failed (nothing of it is left in the hypervisor). */
	@Transactional
	public void discardRestoring(int domid) {
		repository.findById(domid).filter(d -> d.state() == DomainState.RESTORING).ifPresent(repository::delete);
	}

	/** Records a domain the hypervisor runs but the database did not know (adoption); false if it knew it. */
	@Transactional
	public boolean adopt(int domid, GuestSpec spec, Cause cause) {
		if (repository.existsById(domid)) {
			return false;
		}
		repository.save(Domain.running(domid, spec, properties.defaultRetention(), clock.instant(), cause));
		return true;
	}

	@Transactional(readOnly = true)
	public List<DomainViews.DomainRecord> all() {
		return repository.findAll().stream().map(DomainLifecycle::record).toList();
	}

	@Transactional(readOnly = true)
	public Optional<DomainViews.DomainRecord> find(int domid) {
		return repository.findById(domid).map(DomainLifecycle::record);
	}

	private static DomainViews.DomainRecord record(Domain d) {
		return new DomainViews.DomainRecord(d.domid(), d.name(), d.state(), d.spec(), d.suspendCheckpointId(),
				d.checkpointRetention(), d.version());
	}

}
