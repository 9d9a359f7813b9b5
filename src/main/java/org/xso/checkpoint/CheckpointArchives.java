package org.xso.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.host.HostProperties;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.GuestSpecCodec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;
import org.xso.xen.DomId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Portable checkpoints: a full checkpoint leaves the deployment as one archive
 * ({@link CheckpointArchive}) — its config, memory image and devices' saved state as stored, the
 * storage the host keeps for them (the simulator's disk snapshots), and a manifest with the
 * SHA-256 and size of each — and enters another one by import. An import reads the whole archive
 * first: every entry against the manifest, the saved guest against its SHA-256, then whether this
 * host can take it (the archive's format, the saved guest's format, the adapter, the backends and
 * their features); only an archive with no reason against it is stored, under its own id, as held
 * by this instance's host (a restore of it runs here). Its check alone says the same without storing.
 */
@Service
public class CheckpointArchives {

	private static final Logger log = LoggerFactory.getLogger(CheckpointArchives.class);

	private final CheckpointRepository checkpoints;

	private final CheckpointStore store;

	private final Hypervisor hypervisor;

	private final HostProperties host;

	private final JsonMapper json;

	private final TransactionTemplate tx;

	private final Clock clock;

	private final HostRegistry hosts;

	CheckpointArchives(CheckpointRepository checkpoints, CheckpointStore store, Hypervisor hypervisor,
			HostProperties host, JsonMapper json, TransactionTemplate tx, Clock clock, HostRegistry hosts) {
		this.hosts = hosts;
		this.checkpoints = checkpoints;
		this.store = store;
		this.hypervisor = hypervisor;
		this.host = host;
		this.json = json;
		this.tx = tx;
		this.clock = clock;
	}

	/** An export whose checks passed: writing it streams the archive. */
	public interface Export {

		String fileName();

		void writeTo(OutputStream out) throws IOException;

	}

	/**
	 * Checks that checkpoint {@code id} can be exported here and verifies it, before a byte is sent:
	 * 404, 409 CHECKPOINT_ON_OTHER_HOST (its storage is another host's), 422 NOT_SUPPORTED for an
	 * incremental checkpoint, 422 CHECKPOINT_INTEGRITY_FAILED for one that does not verify.
	 */
	public Export export(UUID id) {
		Checkpoint c = checkpoints.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.CHECKPOINT_NOT_FOUND, "no checkpoint " + id));
		if (!hosts.servesHere(c.host())) {
			throw new ProblemException(ProblemCode.CHECKPOINT_ON_OTHER_HOST, "checkpoint " + id + " is held by host "
					+ c.host() + ": export it through an instance serving that host").withCheckpointId(id);
		}
		if (c.chainDepth() > 0) {
			throw new ProblemException(ProblemCode.NOT_SUPPORTED, "checkpoint " + id + " is incremental (link "
					+ (c.chainDepth() + 1) + " of a chain): only a full checkpoint is exported; take a live checkpoint,"
					+ " or export the chain's full one").withCheckpointId(id);
		}
		SavedDomain saved = store.loadVerified(id);
		CheckpointArchive.Described described = new CheckpointArchive.Described(c.id(), c.domid(), c.kind(),
				c.createdAt(), c.strategy(), c.formatVersion(), c.adapter(), c.sourceDomid(), c.sha256(), c.sizeBytes());
		return new Export() {

			@Override
			public String fileName() {
				return "checkpoint-" + id + ".zip";
			}

			@Override
			public void writeTo(OutputStream out) throws IOException {
				write(saved, described, out);
			}

		};
	}

	private void write(SavedDomain saved, CheckpointArchive.Described described, OutputStream out) throws IOException {
		List<CheckpointArchive.Part> parts = new ArrayList<>();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			byte[] config = CanonicalBytes.of(o -> GuestSpecCodec.write(saved.config(), o, saved.formatVersion()));
			parts.add(entry(zip, "config", CheckpointArchive.CONFIG, o -> o.write(config)));
			parts.add(entry(zip, "memory", CheckpointArchive.MEMORY, o -> o.write(saved.memoryImage())));
			for (DeviceSavedState d : saved.devices()) {
				byte[] state = d.canonicalBytes();
				parts.add(entry(zip, "device " + d.id(), "devices/" + file(d.id()) + ".state", o -> o.write(state)));
				if (hypervisor.keepsStorage(d.backendInfo())) {
					parts.add(entry(zip, "storage " + d.id(), "storage/" + file(d.id()) + ".disk",
							o -> hypervisor.exportStorage(d.backendInfo(), o)));
				}
			}
			CheckpointArchive.Manifest manifest = new CheckpointArchive.Manifest(CheckpointArchive.FORMAT,
					clock.instant(), source(), described, parts);
			zip.putNextEntry(new ZipEntry(CheckpointArchive.MANIFEST));
			zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
			zip.closeEntry();
		}
	}

	private interface Writer {

		void write(OutputStream out) throws IOException;

	}

	private static CheckpointArchive.Part entry(ZipOutputStream zip, String name, String entry, Writer content)
			throws IOException {
		zip.putNextEntry(new ZipEntry(entry));
		MessageDigest sha = sha256();
		long[] count = new long[1];
		OutputStream counted = new FilterOutputStream(new DigestOutputStream(zip, sha)) {

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				out.write(b, off, len);
				count[0] += len;
			}

			@Override
			public void write(int b) throws IOException {
				out.write(b);
				count[0]++;
			}

			@Override
			public void close() {
				// the zip stays open for the next entry
			}

		};
		content.write(counted);
		counted.flush();
		zip.closeEntry();
		return new CheckpointArchive.Part(name, entry, HexFormat.of().formatHex(sha.digest()), count[0]);
	}

	private CheckpointArchive.Source source() {
		String version = hypervisor.version();
		return new CheckpointArchive.Source(host.name(), hypervisor.kind(), version, CanonicalBytes
			.sha256((host.name() + "\n" + hypervisor.kind() + "\n" + version).getBytes(StandardCharsets.UTF_8)));
	}

	/** A dry run: whether the archive at {@code archive} could be imported here, and every reason if not. */
	public CheckpointArchive.Check check(Path archive) {
		return read(archive).check();
	}

	/**
	 * Imports the archive at {@code archive}, as {@code principal} asked: 422 CHECKPOINT_NOT_IMPORTABLE
	 * with every reason, and nothing stored, unless its check finds none; then the storage it
	 * carries is handed to the host and the checkpoint stored in one transaction (the storage is
	 * released again if that fails).
	 */
	public CheckpointViews.Summary importArchive(Path archive, String principal) {
		if (!hosts.serving()) {
			throw new ProblemException(ProblemCode.HOST_UNAVAILABLE, "this instance no longer serves host " + host.name()
					+ " (another instance registered it): import through the instance serving it");
		}
		Read read = read(archive);
		CheckpointArchive.Check check = read.check();
		if (!check.importable() || read.saved == null || read.manifest == null) {
			List<String> reasons = check.reasons().stream().map(r -> r.code() + ": " + r.detail()).toList();
			throw new ProblemException(ProblemCode.CHECKPOINT_NOT_IMPORTABLE,
					"the archive cannot be imported here: " + String.join("; ", reasons)).withReasons(reasons)
				.withCheckpointId(check.checkpointId());
		}
		CheckpointArchive.Manifest m = read.manifest;
		SavedDomain saved = read.saved;
		List<DeviceSavedState> imported = new ArrayList<>();
		try (ZipFile zip = new ZipFile(archive.toFile())) {
			for (DeviceSavedState d : saved.devices()) {
				CheckpointArchive.Part part = read.storage.get(d.id());
				if (part != null) {
					try (InputStream in = zip.getInputStream(zip.getEntry(part.entry()))) {
						hypervisor.importStorage(d.backendInfo(), in);
					}
					imported.add(d);
				}
			}
			CheckpointArchive.Described c = m.checkpoint();
			Checkpoint.Header header = new Checkpoint.Header(c.domid(), c.kind(), null, c.strategy(), null);
			CheckpointViews.Summary summary = tx
				.execute(s -> store.saveImported(c.id(), c.createdAt(), saved, header, principal));
			log.info("Imported checkpoint {} of domain {} from host {}", c.id(), c.domid(),
					SafeText.quote(m.source().host()));
			return java.util.Objects.requireNonNull(summary);
		}
		catch (IOException | RuntimeException e) {
			imported.forEach(d -> {
				try {
					hypervisor.releaseStorage(d.backendInfo());
				}
				catch (RuntimeException again) {
					log.warn("Could not release imported storage of {}: {}", d.id(), SafeText.escape(again.getMessage()));
				}
			});
			if (e instanceof HypervisorException h) {
				throw HypervisorProblems.of(h);
			}
			if (e instanceof RuntimeException r) {
				throw r;
			}
			throw new UncheckedIOException((IOException) e);
		}
	}

	/** What reading an archive found: its manifest, the saved guest it holds, its storage entries and the reasons against it. */
	private final class Read {

		CheckpointArchive.@Nullable Manifest manifest;

		@Nullable SavedDomain saved;

		final Map<DeviceId, CheckpointArchive.Part> storage = new LinkedHashMap<>();

		/** The contents of the verified entries but the storage, by entry name. */
		final Map<String, byte[]> parts = new LinkedHashMap<>();

		final List<CheckpointArchive.Reason> reasons = new ArrayList<>();

		void reason(CheckpointArchive.ReasonCode code, String detail) {
			reasons.add(new CheckpointArchive.Reason(code, detail));
		}

		CheckpointArchive.Check check() {
			return new CheckpointArchive.Check(reasons.isEmpty(), manifest == null ? null : manifest.checkpoint().id(),
					manifest == null ? null : manifest.source(), manifest == null ? null : manifest.archiveFormat(),
					List.copyOf(reasons));
		}

	}

	private Read read(Path archive) {
		Read r = new Read();
		try (ZipFile zip = new ZipFile(archive.toFile())) {
			ZipEntry manifestEntry = zip.getEntry(CheckpointArchive.MANIFEST);
			if (manifestEntry == null) {
				r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, "the archive has no " + CheckpointArchive.MANIFEST);
				return r;
			}
			CheckpointArchive.Manifest m;
			try (InputStream in = zip.getInputStream(manifestEntry)) {
				m = json.readValue(in, CheckpointArchive.Manifest.class);
			}
			catch (JacksonException e) {
				r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE,
						CheckpointArchive.MANIFEST + " does not parse: " + SafeText.escape(e.getOriginalMessage()));
				return r;
			}
			if (m == null || m.checkpoint() == null || m.parts() == null || m.source() == null
					|| m.checkpoint().id() == null || m.checkpoint().sha256() == null || m.checkpoint().adapter() == null
					|| m.parts().stream().anyMatch(p -> p == null || p.name() == null || p.entry() == null
							|| p.sha256() == null)) {
				r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, CheckpointArchive.MANIFEST + " is incomplete");
				return r;
			}
			r.manifest = m;
			if (m.archiveFormat() > CheckpointArchive.FORMAT || m.archiveFormat() < 1) {
				r.reason(CheckpointArchive.ReasonCode.ARCHIVE_FORMAT_TOO_NEW, "archive format " + m.archiveFormat()
						+ "; this service reads format " + CheckpointArchive.FORMAT);
				return r;
			}
			verifyParts(zip, m, r);
			if (!r.reasons.isEmpty()) {
				return r;
			}
			assemble(m, r);
			if (r.saved != null) {
				compatibility(m, r.saved, r);
			}
			return r;
		}
		catch (IOException e) {
			r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, "not a readable zip archive: "
					+ SafeText.escape(e.getMessage()));
			return r;
		}
	}

	/** Every entry the manifest names is there, with its size and SHA-256. */
	private void verifyParts(ZipFile zip, CheckpointArchive.Manifest m, Read r) throws IOException {
		for (CheckpointArchive.Part p : m.parts()) {
			ZipEntry e = p.entry() == null ? null : zip.getEntry(p.entry());
			if (e == null) {
				r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, p.name() + ": entry " + p.entry() + " is missing");
				continue;
			}
			MessageDigest sha = sha256();
			long size = 0;
			try (InputStream in = new DigestInputStream(zip.getInputStream(e), sha)) {
				if (p.name().startsWith("storage ")) {
					// a disk image: hashed as it streams, handed to the hypervisor only by the import
					byte[] buf = new byte[1 << 16];
					for (int n; (n = in.read(buf)) > 0;) {
						size += n;
					}
				}
				else {
					// the parts the saved guest is assembled from: read once, kept for the assembly
					if (p.bytes() > Integer.MAX_VALUE - 16) {
						throw new IOException(p.name() + " is too large to hold in memory");
					}
					byte[] content = in.readAllBytes();
					size = content.length;
					r.parts.put(p.entry(), content);
				}
			}
			String actual = HexFormat.of().formatHex(sha.digest());
			if (!actual.equals(p.sha256()) || size != p.bytes()) {
				r.reason(CheckpointArchive.ReasonCode.CHECKSUM_MISMATCH, p.name() + ": SHA-256 mismatch (manifest "
						+ p.sha256() + ", " + p.bytes() + " bytes; archive " + actual + ", " + size + " bytes)");
			}
		}
	}

	/** The saved guest from the verified entries, checked against the manifest's SHA-256 over the whole. */
	private void assemble(CheckpointArchive.Manifest m, Read r) {
		CheckpointArchive.Described c = m.checkpoint();
		if (!SavedDomain.readable(c.formatVersion())) {
			r.reason(CheckpointArchive.ReasonCode.FORMAT_VERSION_UNSUPPORTED, "the saved guest has format version "
					+ c.formatVersion() + "; this service reads versions " + SavedDomain.OLDEST_FORMAT_VERSION + ".."
					+ SavedDomain.FORMAT_VERSION);
			return;
		}
		GuestSpec config = null;
		byte[] memory = null;
		List<DeviceSavedState> devices = new ArrayList<>();
		try {
			for (CheckpointArchive.Part p : m.parts()) {
				if (p.name().equals("config")) {
					CanonicalInput in = new CanonicalInput(r.parts.get(p.entry()));
					config = GuestSpecCodec.read(in, c.formatVersion());
					in.expectEnd();
				}
				else if (p.name().equals("memory")) {
					memory = r.parts.get(p.entry());
				}
				else if (p.name().startsWith("device ")) {
					devices.add(DeviceSavedState.fromCanonicalBytes(r.parts.get(p.entry())));
				}
			}
		}
		catch (CanonicalInput.InvalidEncodingException | IllegalArgumentException e) {
			r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, "a part does not decode: " + SafeText.escape(e.getMessage()));
			return;
		}
		if (config == null || memory == null) {
			r.reason(CheckpointArchive.ReasonCode.MALFORMED_ARCHIVE, "the archive has no " + (config == null ? "config" : "memory"));
			return;
		}
		for (CheckpointArchive.Part p : m.parts()) {
			if (p.name().startsWith("storage ")) {
				devices.stream().filter(d -> p.name().equals("storage " + d.id())).findFirst()
					.ifPresent(d -> r.storage.put(d.id(), p));
			}
		}
		SavedDomain saved = new SavedDomain(c.formatVersion(), c.adapter(), DomId.guest(c.sourceDomid()), config, devices,
				memory);
		if (!saved.sha256().equals(c.sha256())) {
			r.reason(CheckpointArchive.ReasonCode.CHECKSUM_MISMATCH, "the saved guest: SHA-256 mismatch (manifest "
					+ c.sha256() + ", parts " + saved.sha256() + ")");
			return;
		}
		r.saved = saved;
	}

	/** Whether this host can take the saved guest: its adapter, its backends, the checkpoint id being free. */
	private void compatibility(CheckpointArchive.Manifest m, SavedDomain saved, Read r) {
		if (checkpoints.existsById(m.checkpoint().id())) {
			r.reason(CheckpointArchive.ReasonCode.CHECKPOINT_EXISTS, "checkpoint " + m.checkpoint().id()
					+ " is stored here already");
		}
		if (!saved.adapter().equals(hypervisor.kind())) {
			r.reason(CheckpointArchive.ReasonCode.ADAPTER_MISMATCH, "saved by the " + saved.adapter()
					+ " adapter; this host runs the " + hypervisor.kind() + " adapter");
			return;
		}
		try {
			for (ResumeBlocker b : hypervisor.resumeBlockers(saved)) {
				// storage the archive carries is not held yet: it will be
				if (b.kind() == ResumeBlocker.Kind.STORAGE_MISSING && b.device() != null
						&& r.storage.containsKey(b.device())) {
					continue;
				}
				r.reason(CheckpointArchive.ReasonCode.valueOf(b.kind().name()), HypervisorProblems.describe(b));
			}
		}
		catch (HypervisorException e) {
			r.reason(CheckpointArchive.ReasonCode.HYPERVISOR_UNAVAILABLE, HypervisorProblems.detail(e));
		}
	}

	private static String file(DeviceId id) {
		return id.type().name().toLowerCase(Locale.ROOT) + "-" + id.devid();
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

}
