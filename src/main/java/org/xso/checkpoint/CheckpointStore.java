package org.xso.checkpoint;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.host.HostProperties;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.GuestSpecCodec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a saved guest as one checkpoint in one transaction, reads one back for a restore only
 * after every checksum in its manifest (and in its chain's) verified, and compacts chains.
 */
@Service
public class CheckpointStore {

	private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

	private final CheckpointRepository checkpoints;

	private final CheckpointImageRepository images;

	private final CheckpointRows rows;

	private final CheckpointVerifier verifier;

	private final ApplicationEventPublisher events;

	private final JsonMapper json;

	private final Clock clock;

	private final Hypervisor hypervisor;

	private final HostProperties host;

	CheckpointStore(CheckpointRepository checkpoints, CheckpointImageRepository images, CheckpointRows rows,
			CheckpointVerifier verifier,
			ApplicationEventPublisher events, JsonMapper json, Clock clock, Hypervisor hypervisor, HostProperties host) {
		this.host = host;
		this.checkpoints = checkpoints;
		this.images = images;
		this.rows = rows;
		this.verifier = verifier;
		this.events = events;
		this.json = json;
		this.clock = clock;
		this.hypervisor = hypervisor;
	}

	/**
	 * Stores {@code saved} for the operation of {@code header}, requested by {@code principal}. Joins
	 * the caller's transaction, so a caller can make the checkpoint and its own bookkeeping commit
	 * together.
	 */
	@Transactional
	public CheckpointViews.Summary save(SavedDomain saved, Checkpoint.Header header, String principal) {
		return save(saved, null, header, principal);
	}

	/**
	 * Stores {@code saved}, an incremental capture on top of {@code parent} (a stored checkpoint) or,
	 * with no parent, a full one. Joins the caller's transaction.
	 */
	@Transactional
	public CheckpointViews.Summary save(SavedDomain saved, Checkpoint.@Nullable Link parent, Checkpoint.Header header,
			String principal) {
		return store(UUID.randomUUID(), clock.instant(), saved, parent, header, principal);
	}

	/**
	 * Stores a full checkpoint another deployment exported, under its own id and creation time, as
	 * held by this instance's host. Joins the caller's transaction.
	 */
	@Transactional
	CheckpointViews.Summary saveImported(UUID id, java.time.Instant createdAt, SavedDomain saved,
			Checkpoint.Header header, String principal) {
		return store(id, createdAt, saved, null, header, principal);
	}

	/** A saved guest to store: incremental on top of {@code parent} (a stored checkpoint), or full without one. */
	public record Draft(SavedDomain saved, Checkpoint.@Nullable Link parent, Checkpoint.Header header,
			String principal) {
	}

	/**
	 * Stores every draft of {@code drafts} as a checkpoint, in order, with one batch of inserts per
	 * table for all of them (the epochs of several guests persisted together). Joins the caller's
	 * transaction.
	 */
	@Transactional
	public List<CheckpointViews.Summary> saveAll(List<Draft> drafts) {
		java.time.Instant now = clock.instant();
		return store(drafts.stream().map(d -> new Stored(UUID.randomUUID(), now, d)).toList());
	}

	private CheckpointViews.Summary store(UUID id, java.time.Instant createdAt, SavedDomain saved,
			Checkpoint.@Nullable Link parent, Checkpoint.Header header, String principal) {
		return store(List.of(new Stored(id, createdAt, new Draft(saved, parent, header, principal)))).get(0);
	}

	private record Stored(UUID id, java.time.Instant createdAt, Draft draft) {
	}

	private List<CheckpointViews.Summary> store(List<Stored> all) {
		String held = hypervisor.savedParts()
			.entrySet()
			.stream()
			.filter(e -> e.getValue() == SavedPart.Presence.HELD_IN_SAVE_IMAGE)
			.map(e -> e.getKey().name())
			.sorted()
			.collect(Collectors.joining(","));
		// the parents as they are now: a compaction since the capture made one shorter and changed its
		// manifest, never what it restores to
		Map<UUID, Checkpoint.Link> parents = rows.links(all.stream()
			.map(s -> s.draft().parent())
			.filter(java.util.Objects::nonNull)
			.map(Checkpoint.Link::id)
			.collect(Collectors.toSet()));
		List<CheckpointRows.New> news = new ArrayList<>(all.size());
		for (Stored s : all) {
			SavedDomain saved = s.draft().saved();
			byte[] config = CanonicalBytes.of(out -> GuestSpecCodec.write(saved.config(), out, saved.formatVersion()));
			byte[] memory = saved.memoryImage();
			Checkpoint c = new Checkpoint(s.id(), s.draft().header(), s.createdAt(), config, CanonicalBytes.sha256(config),
					CanonicalBytes.sha256(memory), memory.length, saved.sha256());
			c.stamp(saved.formatVersion(), saved.adapter(), saved.domid().value(), host.name());
			Checkpoint.Link parent = s.draft().parent();
			if (parent != null) {
				c.buildsOn(parents.getOrDefault(parent.id(), parent));
			}
			for (DeviceSavedState d : saved.devices()) {
				byte[] bytes = d.canonicalBytes();
				c.add(new CheckpointDevice(c, rows(d, held), bytes, CanonicalBytes.sha256(bytes)));
			}
			news.add(new CheckpointRows.New(c, memory));
		}
		rows.insert(news);
		List<CheckpointViews.Summary> summaries = new ArrayList<>(news.size());
		for (int i = 0; i < news.size(); i++) {
			Checkpoint c = news.get(i).checkpoint();
			events.publishEvent(new CheckpointEvents.CheckpointCreated(c.id(), c.domid(), c.kind(), c.sizeBytes(),
					c.operationId(), all.get(i).draft().principal()));
			summaries.add(CheckpointViews.Summary.of(c));
		}
		return summaries;
	}

	/**
	 * The saved guest, after verifying the format version and the SHA-256 of the config, of every
	 * device, of the memory image and over the whole; for an incremental checkpoint, of every link of
	 * its chain down to the full checkpoint, each the one its successor was built on, resolved into
	 * one saved guest by the hypervisor. Fails with 422 {@code CHECKPOINT_FORMAT_UNSUPPORTED} or
	 * {@code CHECKPOINT_INTEGRITY_FAILED} (its {@code reasons} naming each failing part and link) and
	 * changes nothing.
	 */
	@Transactional(readOnly = true)
	public SavedDomain loadVerified(UUID id) {
		Verified v = verifyChain(require(id));
		CheckpointViews.Integrity integrity = v.integrity();
		if (!integrity.formatSupported()) {
			throw new ProblemException(ProblemCode.CHECKPOINT_FORMAT_UNSUPPORTED, "checkpoint " + id
					+ " has format version " + integrity.formatVersion() + "; this service reads versions "
					+ SavedDomain.OLDEST_FORMAT_VERSION + ".." + SavedDomain.FORMAT_VERSION)
				.withCheckpointId(id);
		}
		if (!integrity.ok() || v.image() == null) {
			throw new ProblemException(ProblemCode.CHECKPOINT_INTEGRITY_FAILED,
					"checkpoint " + id + " failed verification: " + String.join("; ", integrity.failures()))
				.withCheckpointId(id)
				.withReasons(integrity.failures());
		}
		return v.image();
	}

	/** Verifies every part (of every link of an incremental checkpoint's chain) without throwing. */
	@Transactional(readOnly = true)
	public CheckpointViews.Integrity integrity(UUID id) {
		return verifyChain(require(id)).integrity();
	}

	private record Verified(CheckpointViews.Integrity integrity, @Nullable SavedDomain image) {
	}

	/**
	 * The checkpoint's parts as they are named for a full checkpoint; the parts of each link it builds
	 * on named {@code link k of n (<id>) <part>}, counted from the full checkpoint; a link that is
	 * missing or is not the checkpoint its successor was built on, and a chain the hypervisor cannot
	 * resolve, as parts of their own.
	 */
	private Verified verifyChain(Checkpoint newest) {
		List<Checkpoint> chain = new ArrayList<>(List.of(newest));
		List<CheckpointViews.PartCheck> links = new ArrayList<>();
		for (Checkpoint at = newest; at.parentId() != null && chain.size() <= newest.chainDepth();) {
			UUID parentId = at.parentId();
			Checkpoint parent = checkpoints.findById(parentId).orElse(null);
			String name = "link " + (newest.chainDepth() - chain.size() + 1) + " of " + (newest.chainDepth() + 1)
					+ " (" + parentId + ")";
			if (parent == null) {
				links.add(new CheckpointViews.PartCheck(name, String.valueOf(at.parentSha256()), null, false,
						"checkpoint " + parentId + ", which checkpoint " + at.id() + " builds on, is missing"));
				break;
			}
			if (!parent.sha256().equals(at.parentSha256())) {
				links.add(new CheckpointViews.PartCheck(name, String.valueOf(at.parentSha256()), parent.sha256(),
						false, "is not the checkpoint " + at.id() + " was built on"));
			}
			chain.add(parent);
			at = parent;
		}
		List<CheckpointViews.PartCheck> parts = new ArrayList<>();
		List<SavedDomain> saved = new ArrayList<>();
		boolean formatSupported = true;
		// oldest first: the full checkpoint, then each link built on the one before it
		for (int i = chain.size() - 1; i >= 0; i--) {
			Checkpoint c = chain.get(i);
			byte[] memory = images.findById(c.id()).map(CheckpointImage::memoryImage).orElse(new byte[0]);
			CheckpointVerifier.Result r = verifier.verify(c, memory);
			formatSupported &= r.integrity().formatSupported();
			String prefix = i == 0 ? ""
					: "link " + (c.chainDepth() + 1) + " of " + (newest.chainDepth() + 1) + " (" + c.id() + ") ";
			r.integrity().parts().forEach(p -> parts.add(prefix.isEmpty() ? p
					: new CheckpointViews.PartCheck(prefix + p.name(), p.expectedSha256(), p.actualSha256(), p.ok(),
							p.problem())));
			if (r.image() != null) {
				saved.add(r.image());
			}
		}
		parts.addAll(links);
		boolean chainComplete = chain.get(chain.size() - 1).chainDepth() == 0;
		SavedDomain image = null;
		if (formatSupported && chainComplete && saved.size() == chain.size()
				&& parts.stream().allMatch(CheckpointViews.PartCheck::ok)) {
			try {
				image = hypervisor.resolve(saved);
			}
			catch (HypervisorException e) {
				parts.add(new CheckpointViews.PartCheck("chain of " + chain.size(), newest.sha256(), null, false,
						SafeText.escape(e.getMessage())));
			}
		}
		else if (!chainComplete && links.isEmpty()) {
			parts.add(new CheckpointViews.PartCheck("chain of " + chain.size(), newest.sha256(), null, false,
					"does not end in a full checkpoint"));
		}
		return new Verified(new CheckpointViews.Integrity(newest.id(), formatSupported && image != null,
				newest.formatVersion(), formatSupported, parts), image);
	}

	/**
	 * Chain compaction: incremental checkpoint {@code id} becomes a full one, its chain resolved into
	 * it (the memory image here, what the hypervisor keeps outside the database by
	 * {@link Hypervisor#compact}), so that the checkpoints it builds on can be deleted; those built on
	 * it are one link shorter per link removed and name its new manifest. What it restores to does not
	 * change. A chain that does not verify, or that the hypervisor cannot compact, is left as it is.
	 * Joins the caller's transaction.
	 * @return whether it is a full checkpoint now
	 */
	@Transactional
	boolean compact(UUID id) {
		Checkpoint c = require(id);
		if (c.parentId() == null) {
			return true;
		}
		Verified v = verifyChain(c);
		SavedDomain resolved = v.image();
		if (resolved == null) {
			log.warn("Checkpoint {} is not compacted: its chain does not verify ({})", id,
					SafeText.escape(String.join("; ", v.integrity().failures())));
			return false;
		}
		try {
			hypervisor.compact(resolved);
		}
		catch (HypervisorException e) {
			log.warn("Checkpoint {} is not compacted: {}", id, SafeText.escape(e.getMessage()));
			return false;
		}
		int links = c.chainDepth();
		byte[] memory = resolved.memoryImage();
		c.standAlone(CanonicalBytes.sha256(memory), memory.length, resolved.sha256());
		images.findById(id).orElseThrow().replace(memory);
		// everything built on it, level by level: its children name its new manifest
		ArrayDeque<UUID> below = new ArrayDeque<>(List.of(id));
		while (!below.isEmpty()) {
			UUID at = below.poll();
			for (UUID above : checkpoints.builtOn(at)) {
				below.add(above);
				checkpoints.findById(above).ifPresent(k -> k.rebased(links, at.equals(id) ? c.sha256() : null));
			}
		}
		log.debug("Checkpoint {} compacted: {} links of its chain resolved into it", id, links);
		return true;
	}

	private Checkpoint require(UUID id) {
		return checkpoints.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.CHECKPOINT_NOT_FOUND, "no checkpoint " + id)
				.withCheckpointId(id));
	}

	private CheckpointDevice.Rows rows(DeviceSavedState d, String heldInSaveImage) {
		List<RingRow> rings = new ArrayList<>();
		for (RingSnapshot r : d.rings()) {
			String refs = r.refs().stream().map(Object::toString).collect(Collectors.joining(","));
			rings.add(new RingRow(r.name(), r.pageOrder(), refs, r.reqProd(), r.reqEvent(), r.rspProd(), r.rspEvent(),
					r.reqProdPvt(), r.rspCons()));
		}
		String ports = d.evtchnPorts().stream().map(Object::toString).collect(Collectors.joining(","));
		return new CheckpointDevice.Rows(d.id().type().name(), d.id().devid(), d.backendDomid().value(),
				d.frontendState().name(), d.backendState().name(), ports, json.writeValueAsString(d.features()),
				json.writeValueAsString(d.backendInfo()), d.shadow().size(), rings, GrantEntries.encode(d.grants()),
				heldInSaveImage);
	}

}
