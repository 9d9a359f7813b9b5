package org.xso.domain;

import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.persistence.Persistence;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.audit.Cause;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.config.GuestConfig;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.Precondition;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/**
 * Domains as resources: list, read, create, delete, change retention. A change that calls the
 * hypervisor holds the domain's lease for its duration, so it never interleaves with an
 * operation; the hypervisor call runs outside any transaction. Each change is attributed to the
 * principal that asked for it (its events name it).
 */
@Service
public class DomainService {

	private final DomainRepository domains;

	private final DomainLeases leases;

	private final DomainViewAssembler views;

	private final CheckpointCatalog checkpoints;

	private final Hypervisor hypervisor;

	private final DomainProperties properties;

	private final TransactionTemplate tx;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final HostRegistry hosts;

	DomainService(DomainRepository domains, DomainLeases leases, DomainViewAssembler views,
			CheckpointCatalog checkpoints, Hypervisor hypervisor, DomainProperties properties, TransactionTemplate tx,
			Clock clock, ApplicationEventPublisher events, HostRegistry hosts) {
		this.hosts = hosts;
		this.domains = domains;
		this.leases = leases;
		this.views = views;
		this.checkpoints = checkpoints;
		this.hypervisor = hypervisor;
		this.properties = properties;
		this.tx = tx;
		this.clock = clock;
		this.events = events;
	}

	@Transactional(readOnly = true)
	public Page<DomainViews.DomainView> list(Pageable paging, @Nullable DomainState state, @Nullable String host) {
		Sort byId = Sort.by("domid");
		Pageable sorted = PageRequest.of(paging.getPageNumber(), paging.getPageSize(), byId);
		var page = state == null && host == null ? domains.findAll(sorted) : domains.find(state, host, sorted);
		Function<Domain, DomainViewAssembler.Live> live = views.liveAll();
		return page.map(d -> views.view(d, live.apply(d)));
	}

	@Transactional(readOnly = true)
	public DomainViews.DomainView get(int domid) {
		Domain d = require(domid);
		return views.view(d, views.live(d));
	}

	@Transactional(readOnly = true)
	public DomainViews.DomainRecord record(int domid) {
		Domain d = require(domid);
		return new DomainViews.DomainRecord(d.domid(), d.name(), d.host(), d.state(), d.spec(), d.suspendCheckpointId(),
				d.checkpointRetention(), d.version());
	}

	/**
	 * How many checkpoints retention keeps for domain {@code domid} (DOMAIN_NOT_FOUND if none): from
	 * the domain the transaction has loaded already, if it has (a suspend's end), with no statement;
	 * else one column of its row (an epoch of periodic checkpointing), neither the domain nor its
	 * devices loaded.
	 */
	@Transactional(readOnly = true)
	public int checkpointRetention(int domid) {
		Domain loaded = domains.getReferenceById(domid); // no statement: loaded already, or a proxy
		if (Persistence.getPersistenceUtil().isLoaded(loaded)) {
			return loaded.checkpointRetention();
		}
		return domains.checkpointRetentionOf(domid)
			.orElseThrow(() -> notFound(domid));
	}

	@Transactional(readOnly = true)
	public boolean exists(int domid) {
		return domains.existsById(domid);
	}

	/** Creates the guest in the hypervisor (devices connected), then records it, as {@code principal} asked. */
	public DomainViews.DomainView create(DomainRequests.CreateDomain request, String principal) {
		int requested = DomainRequests.guestDomid(request.domid(), "/domid");
		GuestSpec spec = GuestConfig.toSpec(request.name(), request.requiredMemory(), request.requiredVcpus(),
				request.devices());
		for (int i = 0; i < spec.devices().size(); i++) {
			DriverDomains.requireExisting(hypervisor, spec.devices().get(i), "/devices/" + i);
		}
		String host = hosts.localName();
		if (!hosts.serving()) {
			throw new ProblemException(ProblemCode.HOST_UNAVAILABLE, "this instance no longer serves host " + host
					+ " (another instance registered it); create the guest through the instance serving it");
		}
		int domid = requested != 0 ? requested : lowestFreeDomid();
		if (domains.existsById(domid)) {
			throw new ProblemException(ProblemCode.DOMAIN_EXISTS, "domain " + domid + " exists");
		}
		leases.acquire(domid, null, "create");
		try {
			hypervisor.create(Optional.of(DomId.guest(domid)), spec, properties.connectTimeout());
			try {
				tx.executeWithoutResult(s -> domains
					.save(Domain.running(domid, host, spec, properties.defaultRetention(), clock.instant(),
							Cause.request(principal))));
			}
			catch (RuntimeException e) {
				destroyQuietly(domid);
				throw e;
			}
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		finally {
			leases.release(domid);
		}
		return get(domid);
	}

	/** Destroys the guest (devices Closing, then Closed) and deletes it with all its checkpoints. */
	public void delete(int domid, Precondition expected, String principal) {
		tx.executeWithoutResult(s -> {
			Domain d = require(domid);
			expected.check(Precondition.tag(d.version()));
			requireLocal(d, "deleted");
			leases.acquire(domid, null, "delete");
		});
		try {
			destroyIfPresent(domid);
			tx.executeWithoutResult(s -> {
				int n = checkpoints.deleteAllOf(domid, Cause.request(principal));
				domains.delete(require(domid));
				publish(new DomainEvents.DomainDeleted(domid, n, principal));
			});
		}
		finally {
			leases.release(domid);
		}
	}

	private void destroyIfPresent(int domid) {
		try {
			if (hypervisor.guest(DomId.guest(domid)).isPresent()) {
				hypervisor.destroy(DomId.guest(domid), properties.destroyTimeout());
			}
		}
		catch (HypervisorException e) {
			if (e.reason() != HypervisorException.Reason.DOMAIN_NOT_FOUND) {
				throw HypervisorProblems.of(e);
			}
		}
	}

	/** Changes the retention and applies it at once. */
	@Transactional
	public DomainViews.DomainView patch(int domid, Precondition expected, DomainRequests.PatchDomain patch,
			String principal) {
		Domain d = require(domid);
		expected.check(Precondition.tag(d.version()));
		if (patch.checkpointRetention() != null) {
			int keep = patch.checkpointRetention();
			if (keep < 1 || keep > 1000) {
				throw ProblemException.invalid(Violation.of("/checkpointRetention", "must be 1..1000: " + keep));
			}
			d.retention(keep, clock.instant(), principal);
			domains.saveAndFlush(d);
			checkpoints.enforceRetention(domid, keep, Cause.request(principal));
		}
		return views.view(d, views.live(d));
	}

	/**
	 * 409 DOMAIN_ON_OTHER_HOST unless this instance serves the domain's host: what calls the
	 * hypervisor for a guest is done by the instance of the host it runs on.
	 */
	void requireLocal(Domain d, String what) {
		if (!hosts.servesHere(d.host())) {
			throw new ProblemException(ProblemCode.DOMAIN_ON_OTHER_HOST,
					"domain " + d.domid() + " runs on host " + d.host() + ", not on " + hosts.localName()
							+ " (this instance's): it is " + what + " through an instance serving host " + d.host());
		}
	}

	/** {@link #requireLocal(Domain, String)} for domain {@code domid} (404 if there is none). */
	public void requireLocal(int domid, String what) {
		requireLocal(require(domid), what);
	}

	Domain require(int domid) {
		return domains.findById(domid)
			.orElseThrow(() -> notFound(domid));
	}

	private static ProblemException notFound(int domid) {
		return new ProblemException(ProblemCode.DOMAIN_NOT_FOUND, "no domain " + domid);
	}

	/** Whether a domain id is free: not recorded, not leased, and unknown to the hypervisor. */
	public boolean free(int domid) {
		try {
			return !domains.existsById(domid) && leases.find(domid).isEmpty()
					&& hypervisor.guest(DomId.guest(domid)).isEmpty();
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
	}

	/** The lowest guest id neither recorded nor known to the hypervisor. */
	public int lowestFreeDomid() {
		Set<Integer> used = new HashSet<>(domains.allIds());
		try {
			hypervisor.guests().forEach(g -> used.add(g.domid().value()));
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		for (int id = 1; id <= DomId.MAX_GUEST; id++) {
			if (!used.contains(id)) {
				return id;
			}
		}
		throw new ProblemException(ProblemCode.HOST_OUT_OF_MEMORY, "no free domain id");
	}

	private void destroyQuietly(int domid) {
		try {
			hypervisor.destroy(DomId.guest(domid), properties.destroyTimeout());
		}
		catch (HypervisorException ignored) {
			// best effort: the record was not written, the guest must not outlive it
		}
	}

	private void publish(Object event) {
		events.publishEvent(event);
	}

}
