package org.xso.checkpoint;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.xso.audit.Cause;
import org.xso.hypervisor.Hypervisor;
import org.xso.problem.Precondition;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Reads and administers stored checkpoints: lists, details, deletion, pins, retention and the
 * storage a domain uses. A deletion is attributed to the {@link Cause} given (its events name it).
 */
@Service
public class CheckpointCatalog {

	private static final Logger log = LoggerFactory.getLogger(CheckpointCatalog.class);

	private final CheckpointRepository checkpoints;

	private final CheckpointDetailsMapper details;

	private final ApplicationEventPublisher events;

	private final Hypervisor hypervisor;

	private final CheckpointStore store;

	private final CheckpointProperties properties;

	private final CheckpointRows rows;

	CheckpointCatalog(CheckpointRepository checkpoints, CheckpointDetailsMapper details,
			ApplicationEventPublisher events, Hypervisor hypervisor, CheckpointStore store,
			CheckpointProperties properties, CheckpointRows rows) {
		this.rows = rows;
		this.store = store;
		this.properties = properties;
		this.checkpoints = checkpoints;
		this.details = details;
		this.events = events;
		this.hypervisor = hypervisor;
	}

	@Transactional(readOnly = true)
	public Page<CheckpointViews.Summary> list(int domid, Pageable paging) {
		Sort newestFirst = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
		return checkpoints.findByDomid(domid, PageRequest.of(paging.getPageNumber(), paging.getPageSize(), newestFirst))
			.map(CheckpointViews.Summary::of);
	}

	@Transactional(readOnly = true)
	public CheckpointViews.Summary summary(UUID id) {
		return CheckpointViews.Summary.of(require(id));
	}

	@Transactional(readOnly = true)
	public Optional<CheckpointViews.Summary> find(UUID id) {
		return checkpoints.findById(id).map(CheckpointViews.Summary::of);
	}

	@Transactional(readOnly = true)
	public CheckpointViews.Details details(UUID id) {
		return details.map(require(id));
	}

	@Transactional(readOnly = true)
	public Optional<CheckpointViews.Summary> latest(int domid) {
		return checkpoints.findFirstByDomidOrderByCreatedAtDescIdDesc(domid).map(CheckpointViews.Summary::of);
	}

	@Transactional(readOnly = true)
	public CheckpointViews.Usage usage(int domid) {
		return new CheckpointViews.Usage(checkpoints.countOf(domid), checkpoints.bytesOf(domid));
	}

	/**
	 * Deletes a checkpoint unless it is pinned (409 CHECKPOINT_IN_USE) or {@code expected} is stale
	 * (412).
	 */
	@Transactional
	public void delete(UUID id, Precondition expected, Cause cause) {
		Checkpoint c = require(id);
		expected.check(Precondition.tag(c.sha256()));
		if (c.pinned()) {
			throw new ProblemException(ProblemCode.CHECKPOINT_IN_USE,
					"checkpoint " + id + " is pinned: " + c.pinReason() + "; resume or delete the domain first")
				.withCheckpointId(id);
		}
		List<UUID> builtOn = checkpoints.builtOn(id);
		if (!builtOn.isEmpty()) {
			throw new ProblemException(ProblemCode.CHECKPOINT_IN_USE, "checkpoint " + id
					+ " is the base of incremental checkpoint " + builtOn.get(0)
					+ "; delete that one first (retention deletes a chain's base only with the checkpoints built on it)")
				.withCheckpointId(id);
		}
		String reason = cause.operationId() == null ? "deleted by request" : "discarded by its operation";
		remove(c.domid(), List.of(id), reason, cause);
	}

	/** Deletes every checkpoint of a domain, pinned or not (the domain itself is being deleted). */
	@Transactional
	public int deleteAllOf(int domid, Cause cause) {
		List<UUID> all = checkpoints.idsOf(domid);
		remove(domid, all, "domain deleted", cause);
		return all.size();
	}

	/**
	 * Keeps the newest {@code keep} unpinned checkpoints of a domain, its pinned ones and every
	 * checkpoint one of those builds on (an incremental checkpoint's chain stays whole), and deletes
	 * the others. Once {@code xso.checkpoints.compaction-threshold} or more are held only because a
	 * kept one builds on them, the oldest kept checkpoint of each such chain is compacted (made a full
	 * one, see {@link CheckpointStore#compact}) and they are deleted as well. Returns the ids deleted.
	 */
	@Transactional
	public List<UUID> enforceRetention(int domid, int keep, Cause cause) {
		// ids only: a checkpoint's rows and blobs are never read to decide, nor to delete it
		List<CheckpointRepository.Entry> all = rows.newestFirst(domid);
		Set<UUID> kept = new HashSet<>();
		Map<UUID, UUID> parents = new HashMap<>();
		int unpinned = 0;
		for (CheckpointRepository.Entry e : all) {
			if (e.pinned() || unpinned++ < keep) {
				kept.add(e.id());
			}
			if (e.parentId() != null) {
				parents.put(e.id(), e.parentId());
			}
		}
		if (kept.size() == all.size()) {
			return List.of();
		}
		Set<UUID> held = held(kept, parents);
		List<UUID> doomed = all.stream().map(CheckpointRepository.Entry::id).filter(id -> !held.contains(id)).toList();
		if (doomed.isEmpty()) {
			return List.of();
		}
		remove(domid, doomed, "retention keeps the newest " + keep, cause);
		log.debug("Retention removed {} checkpoints of domain {}", doomed.size(), domid);
		return doomed;
	}

	/**
	 * What retention keeps besides {@code kept}: what they build on, after compacting the chains that
	 * hold {@code compaction-threshold} or more checkpoints for that reason alone ({@code parents}
	 * loses the links compaction removed).
	 */
	private Set<UUID> held(Set<UUID> kept, Map<UUID, UUID> parents) {
		Set<UUID> held = withChains(kept, parents);
		if (held.size() - kept.size() < properties.compactionThreshold()) {
			return held;
		}
		for (UUID k : kept) {
			UUID parent = parents.get(k);
			// the oldest kept checkpoint of its chain: what it builds on is held for its sake alone
			if (parent != null && !kept.contains(parent) && store.compact(k)) {
				parents.remove(k);
			}
		}
		return withChains(kept, parents);
	}

	/** {@code kept} and every checkpoint one of them builds on, down to the full checkpoint of its chain. */
	private static Set<UUID> withChains(Set<UUID> kept, Map<UUID, UUID> parents) {
		Set<UUID> held = new HashSet<>(kept);
		for (UUID k : kept) {
			for (UUID p = parents.get(k); p != null && held.add(p); p = parents.get(p)) {
				// the chain of a kept checkpoint is kept
			}
		}
		return held;
	}

	@Transactional
	public void pin(UUID id, String reason) {
		require(id).pin(reason);
	}

	@Transactional
	public void unpin(UUID id) {
		rows.unpin(id);
	}

	/**
	 * Deletes checkpoints {@code ids} of {@code domid} with their rows; after the commit, the storage
	 * the hypervisor kept for their devices (named in each device's backend info) is released.
	 */
	private void remove(int domid, List<UUID> ids, String reason, Cause cause) {
		if (ids.isEmpty()) {
			return;
		}
		ids.forEach(id -> events.publishEvent(
				new CheckpointEvents.CheckpointDeleted(id, domid, reason, cause.principal(), cause.operationId())));
		List<String> backendInfo = rows.delete(ids);
		afterCommit(() -> backendInfo.forEach(this::releaseStorage));
	}

	/** Frees what the hypervisor kept for a deleted checkpoint's device (the simulator's disk snapshot). */
	private void releaseStorage(String backendInfoJson) {
		try {
			hypervisor.releaseStorage(details.map(backendInfoJson));
		}
		catch (RuntimeException e) {
			log.warn("storage of a deleted checkpoint's device was not released: {}", SafeText.escape(e.toString()));
		}
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

	private Checkpoint require(UUID id) {
		return checkpoints.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.CHECKPOINT_NOT_FOUND, "no checkpoint " + id)
				.withCheckpointId(id));
	}

}
