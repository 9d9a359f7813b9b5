package org.xso.hypervisor.libxl;

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
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.XenstoreEntry;
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
			return new LibxlStartup(LibxlHypervisor.open(settings), null);
		}
		catch (LibxlUnavailableException e) {
			log.error("Hypervisor unavailable: {}", e.getMessage());
			return new LibxlStartup(null, e.getMessage());
		}
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
		public SavedDomain save(DomId domid) {
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
		public List<String> resumeBlockers(SavedDomain image) {
			return List.of(reason);
		}

		@Override
		public Map<SavedPart, SavedPart.Presence> savedParts() {
			return LibxlHypervisor.heldInSaveImage();
		}

		@Override
		public void releaseStorage(DeviceSavedState device) {
			// nothing is held while libxl is unreachable
		}

		@Override
		public List<XenstoreEntry> xenstore(String path) {
			throw down();
		}

		@Override
		public void addListener(Consumer<HypervisorEvent> listener) {
			// no events come from an unreachable hypervisor
		}

		@Override
		public Optional<SimulatorControls> simulator() {
			return Optional.empty();
		}

	}

}
