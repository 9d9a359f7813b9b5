package org.xso.checkpoint;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.GuestSpecCodec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a saved guest as one immutable checkpoint in one transaction, and reads one back for a
 * restore only after every checksum in its manifest verified.
 */
@Service
public class CheckpointStore {

	private final CheckpointRepository checkpoints;

	private final CheckpointImageRepository images;

	private final CheckpointVerifier verifier;

	private final ApplicationEventPublisher events;

	private final JsonMapper json;

	private final Clock clock;

	private final Hypervisor hypervisor;

	CheckpointStore(CheckpointRepository checkpoints, CheckpointImageRepository images, CheckpointVerifier verifier,
			ApplicationEventPublisher events, JsonMapper json, Clock clock, Hypervisor hypervisor) {
		this.checkpoints = checkpoints;
		this.images = images;
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
		UUID id = UUID.randomUUID();
		byte[] config = CanonicalBytes.of(out -> GuestSpecCodec.write(saved.config(), out));
		byte[] memory = saved.memoryImage();
		Checkpoint c = new Checkpoint(id, header, clock.instant(), config, CanonicalBytes.sha256(config),
				CanonicalBytes.sha256(memory), memory.length, saved.sha256());
		c.stamp(saved.formatVersion(), saved.adapter(), saved.domid().value());
		String held = hypervisor.savedParts()
			.entrySet()
			.stream()
			.filter(e -> e.getValue() == SavedPart.Presence.HELD_IN_SAVE_IMAGE)
			.map(e -> e.getKey().name())
			.sorted()
			.collect(Collectors.joining(","));
		for (DeviceSavedState d : saved.devices()) {
			byte[] bytes = d.canonicalBytes();
			c.add(new CheckpointDevice(c, rows(d, held), bytes, CanonicalBytes.sha256(bytes)));
		}
		checkpoints.save(c);
		images.save(new CheckpointImage(id, memory));
		events.publishEvent(new CheckpointEvents.CheckpointCreated(id, c.domid(), c.kind(), c.sizeBytes(),
				c.operationId(), principal));
		return CheckpointViews.Summary.of(c);
	}

	/**
	 * The saved guest, after verifying the format version and the SHA-256 of the config, of every
	 * device, of the memory image and over the whole. Fails with 422
	 * {@code CHECKPOINT_FORMAT_UNSUPPORTED} or {@code CHECKPOINT_INTEGRITY_FAILED} (its
	 * {@code reasons} naming each failing part) and changes nothing.
	 */
	@Transactional(readOnly = true)
	public SavedDomain loadVerified(UUID id) {
		Checkpoint c = require(id);
		byte[] memory = images.findById(id).map(CheckpointImage::memoryImage).orElse(new byte[0]);
		CheckpointVerifier.Result result = verifier.verify(c, memory);
		CheckpointViews.Integrity integrity = result.integrity();
		if (!integrity.formatSupported()) {
			throw new ProblemException(ProblemCode.CHECKPOINT_FORMAT_UNSUPPORTED, "checkpoint " + id
					+ " has format version " + integrity.formatVersion() + "; this service reads version "
					+ SavedDomain.FORMAT_VERSION)
				.withCheckpointId(id);
		}
		if (!integrity.ok() || result.image() == null) {
			throw new ProblemException(ProblemCode.CHECKPOINT_INTEGRITY_FAILED,
					"checkpoint " + id + " failed verification: " + String.join("; ", integrity.failures()))
				.withCheckpointId(id)
				.withReasons(integrity.failures());
		}
		return result.image();
	}

	/** Verifies every part without throwing. */
	@Transactional(readOnly = true)
	public CheckpointViews.Integrity integrity(UUID id) {
		Checkpoint c = require(id);
		byte[] memory = images.findById(id).map(CheckpointImage::memoryImage).orElse(new byte[0]);
		return verifier.verify(c, memory).integrity();
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
