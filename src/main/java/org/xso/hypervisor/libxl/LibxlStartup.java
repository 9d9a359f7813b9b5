package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * The outcome of connecting the libxl adapter at start-up: the adapter, or the one-sentence reason
 * it is unavailable, logged once. {@link #hypervisor()} is then a port whose every call fails with
 * HYPERVISOR_UNAVAILABLE and that reason.
 */
final class LibxlStartup implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LibxlStartup.class);

	private final @Nullable LibxlHypervisor adapter;

	private final @Nullable String unavailable;

	private LibxlStartup(@Nullable LibxlHypervisor adapter, @Nullable String unavailable) {
		this.adapter = adapter;
		this.unavailable = unavailable;
	}

	static LibxlStartup start(LibxlSettings settings) {
		try {
			return new LibxlStartup(connect(settings), null);
		}
		catch (LibxlUnavailableException e) {
			log.error("Hypervisor unavailable: {}", SafeText.escape(e.getMessage()));
			return new LibxlStartup(null, e.getMessage());
		}
	}

	/**
	 * Loads the shim, allocates a libxl context and connects to xenstored.
	 * @throws LibxlUnavailableException with one sentence an operator can act on
	 */
	static LibxlHypervisor connect(LibxlSettings settings) {
		LibxlNative.load(settings.library());
		LibxlLog libxlLog = new LibxlLog();
		long ctx;
		try {
			ctx = LibxlNative.ctxAlloc(libxlLog);
		}
		catch (LibxlError.LibxlException e) {
			throw new LibxlUnavailableException("no Xen hypervisor: " + e.getMessage() + "; is this dom0?", e);
		}
		XsHandle xs;
		try {
			xs = XsHandle.open();
		}
		catch (HypervisorException e) {
			LibxlNative.ctxFree(ctx);
			throw new LibxlUnavailableException("no xenstore: " + e.getMessage() + "; is xenstored running?", e);
		}
		try {
			Files.createDirectories(settings.stateDir());
		}
		catch (IOException e) {
			xs.close();
			LibxlNative.ctxFree(ctx);
			throw new LibxlUnavailableException("cannot create xso.libxl.state-dir " + settings.stateDir(), e);
		}
		log.info("libxl adapter connected (save images in {})", settings.stateDir().toAbsolutePath());
		return new LibxlHypervisor(libxlLog, ctx, xs, settings.stateDir(), settings.suspendFlags(),
				new LibxlBridges(settings.classNet()));
	}

	/** Why the adapter is unavailable, if it is. */
	Optional<String> unavailable() {
		return Optional.ofNullable(unavailable);
	}

	Hypervisor hypervisor() {
		return adapter != null ? adapter : new Unavailable(unavailable);
	}

	Health health() {
		if (adapter == null) {
			return Health.down().withDetail("adapter", "libxl").withDetail("reason", unavailable).build();
		}
		try {
			return Health.up().withDetail("adapter", "libxl").withDetail("guests", adapter.guests().size()).build();
		}
		catch (HypervisorException e) {
			return Health.down().withDetail("adapter", "libxl").withDetail("reason", e.getMessage()).build();
		}
	}

	@Override
	public void close() {
		if (adapter != null) {
			adapter.close();
		}
	}

	/** The port when libxl could not be reached: every call says why. */
	private record Unavailable(String reason) implements Hypervisor {

		private HypervisorException down() {
			return new HypervisorException(HypervisorException.Reason.HYPERVISOR_UNAVAILABLE, reason);
		}

		@Override
		public String kind() {
			return "libxl";
		}

		@Override
		public List<GuestInfo> guests() {
			throw down();
		}

		@Override
		public Optional<GuestInfo> guest(DomId domid) {
			throw down();
		}

		@Override
		public GuestInfo create(Optional<DomId> domid, GuestSpec spec, Duration connectTimeout) {
			throw down();
		}

		@Override
		public void destroy(DomId domid, Duration timeout) {
			throw down();
		}

		@Override
		public DeviceInfo attach(DomId domid, DeviceSpec device, Duration timeout) {
			throw down();
		}

		@Override
		public void detach(DomId domid, DeviceId device, Duration timeout) {
			throw down();
		}

		@Override
		public QuiesceReport quiesce(DomId domid, SuspendStrategy strategy, Duration deadline) {
			throw down();
		}

		@Override
		public void thaw(DomId domid, Duration timeout) {
			throw down();
		}

		@Override
		public void pause(DomId domid, Duration timeout) {
			throw down();
		}

		@Override
		public void unpause(DomId domid, Duration timeout) {
			throw down();
		}

		@Override
		public SavedDomain save(DomId domid, Duration deadline) {
			throw down();
		}

		@Override
		public void suspend(DomId domid, Duration timeout) {
			throw down();
		}

		@Override
		public ResumeReport resume(SavedDomain image, DomId target, Duration deadline,
				Consumer<ResumePhase> phases) {
			throw down();
		}

		@Override
		public List<ResumeBlocker> resumeBlockers(SavedDomain image) {
			return List.of(ResumeBlocker.of(ResumeBlocker.Kind.HYPERVISOR_UNAVAILABLE, reason));
		}

		@Override
		public Map<SavedPart, SavedPart.Presence> savedParts() {
			return SavedPart.all(SavedPart.Presence.HELD_IN_SAVE_IMAGE);
		}

		@Override
		public void releaseStorage(Map<String, String> backendInfo) {
			// nothing is held while libxl is unreachable
		}

		@Override
		public int releaseStorageExcept(java.util.Collection<Map<String, String>> referenced) {
			// the adapter keeps no storage for saved devices
			return 0;
		}

		@Override
		public List<XenstoreEntry> xenstore(String path) {
			throw down();
		}

		@Override
		public void addListener(Consumer<HypervisorEvent> listener) {
			// no events come from an unreachable hypervisor
		}

	}

}
