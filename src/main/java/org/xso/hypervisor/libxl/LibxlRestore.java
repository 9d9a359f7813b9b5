package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * One resume: {@code libxl_domain_create_restore} from the save image (the domain stays paused),
 * watches on both ends' state of every device, unpause (the guest's frontends re-grant their rings
 * and reconnect), and the handshake watched until every device is Connected on both ends. On any
 * failure the half-built domain is destroyed.
 */
final class LibxlRestore {

	private static final Logger log = LoggerFactory.getLogger(LibxlRestore.class);

	private final long ctx;

	private final LibxlDevices devices;

	private final LibxlCalls calls;

	private final Path stateDir;

	private final Consumer<HypervisorEvent> events;

	LibxlRestore(long ctx, LibxlDevices devices, LibxlCalls calls, Path stateDir, Consumer<HypervisorEvent> events) {
		this.ctx = ctx;
		this.devices = devices;
		this.calls = calls;
		this.stateDir = stateDir;
		this.events = events;
	}

	ResumeReport run(SavedDomain saved, LibxlSaveImage image, DomId target, Duration deadline,
			Consumer<ResumePhase> phases) {
		Instant end = Instant.now().plus(deadline);
		phases.accept(ResumePhase.RESTORE);
		int domid = restore(saved.config(), image, target, deadline);
		DomId restored = DomId.of(domid);
		try {
			List<LibxlDevices.Device> devs = devices.list(restored);
			try (HandshakeWatch watch = new HandshakeWatch(restored, devs, events)) {
				phases.accept(ResumePhase.REGRANT);
				LibxlNative.domainUnpause(ctx, domid);
				phases.accept(ResumePhase.RECONNECT);
				watch.awaitConnected(left(end));
			}
			phases.accept(ResumePhase.REPLAY); // the guest's frontends replay their own shadow
			phases.accept(ResumePhase.VERIFY);
			List<ResumeReport.Device> report = new ArrayList<>();
			for (LibxlDevices.Device d : devs) {
				report.add(device(saved, devices.info(d)));
			}
			events.accept(new HypervisorEvent.GuestStateChanged(restored, PowerState.RUNNING));
			return new ResumeReport(restored, report);
		}
		catch (RuntimeException e) {
			// the undo has a budget of its own (Hypervisor.undoBudget), and runs on the libxl thread
			// like every long call
			try {
				calls.await("libxl_domain_destroy", () -> destroyQuietly(domid), Hypervisor.undoBudget(deadline),
						Reason.BACKEND_TIMEOUT);
			}
			catch (HypervisorException undo) {
				log.warn("Could not destroy the half-restored dom{}: {}", domid, SafeText.escape(undo.getMessage()));
			}
			throw e;
		}
	}

	/** Why {@code image} cannot be restored here: another adapter's, unreadable, backends not running. */
	static List<ResumeBlocker> blockers(long ctx, String kind, SavedDomain image, LibxlBridges bridges) {
		List<ResumeBlocker> out = new ArrayList<>();
		if (!kind.equals(image.adapter())) {
			out.add(ResumeBlocker.of(ResumeBlocker.Kind.ADAPTER_MISMATCH,
					"saved by the " + image.adapter() + " adapter; the libxl adapter restores only its own images"));
			return out;
		}
		try {
			LibxlSaveImage.decode(image.memoryImage());
		}
		catch (HypervisorException e) {
			out.add(ResumeBlocker.of(ResumeBlocker.Kind.FORMAT_VERSION_UNSUPPORTED, String.valueOf(e.getMessage())));
		}
		for (DeviceSavedState d : image.devices()) {
			if (LibxlNative.domainInfo(ctx, d.backendDomid().value()) == null) {
				out.add(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_MISSING, d.id(),
						"backend domain " + d.backendDomid().value() + " is not running"));
			}
		}
		for (DeviceSpec d : image.config().devices()) {
			if (d instanceof DeviceSpec.Vif v && v.backendDomid().isDom0() && !bridges.mayHave(v.bridge())) {
				out.add(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_MISSING, d.id(),
						"dom0 has no bridge " + v.bridge() + " " + bridges.dom0()));
			}
		}
		Integer named = domainNamed(ctx, image.config().name());
		if (named != null) {
			out.add(ResumeBlocker.of(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE, "dom" + named + " is already named "
					+ SafeText.quote(image.config().name()) + ": libxl refuses a second domain of that name"));
		}
		return out;
	}

	/**
	 * The live domain named {@code name}, as {@code libxl_name_to_domid} finds it (the check
	 * libxl__domain_rename makes before it creates or restores a domain: ERROR_INVAL, 'domain with
	 * name "x" already exists'). A dying domain does not count. The saved guest's own domain is gone
	 * (a suspend destroyed it; a resume needs its id free), so any domain found is another one.
	 */
	private static @Nullable Integer domainNamed(long ctx, String name) {
		long[] all = LibxlNative.listDomain(ctx);
		for (int i = 0; i < all.length; i += LibxlNative.DOMINFO_STRIDE) {
			int domid = (int) all[i + LibxlNative.DOMINFO_DOMID];
			if ((all[i + LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_DYING) == 0
					&& name.equals(LibxlNative.domidToName(ctx, domid))) {
				return domid;
			}
		}
		return null;
	}

	private int restore(GuestSpec guest, LibxlSaveImage image, DomId target, Duration deadline) {
		// the devices' backends as the guest comes back (where a resume's overrides put them)
		String config = LibxlConfigOverrides.apply(image.configJson(), guest);
		awaitReusable(target, deadline);
		Path file = stateDir.resolve("restore-dom" + target.value() + ".save");
		try {
			Files.write(file, image.stream());
		}
		catch (IOException e) {
			throw new HypervisorException(Reason.INTERNAL, "cannot stage the save image in " + file, e);
		}
		int fd = LibxlNative.open(file, false);
		try {
			return calls.awaitInt("libxl_domain_create_restore",
					() -> LibxlNative.domainCreateRestore(ctx, config, target.value(), fd), deadline,
					Reason.BACKEND_TIMEOUT, () -> destroyQuietly(target.value()));
		}
		finally {
			calls.afterPending(() -> {
				LibxlNative.close(fd);
				file.toFile().delete();
			});
		}
	}

	/**
	 * Waits until libxl accepts {@code target} again: a suspend destroys the domain, and libxl
	 * refuses a destroyed id for a minute. Within the deadline; past it, a clear error instead of
	 * libxl's ERROR_FAIL.
	 */
	private static void awaitReusable(DomId target, Duration deadline) {
		Duration wait = DomidHistory.reusableIn(target.value());
		if (wait.isZero()) {
			return;
		}
		if (wait.compareTo(deadline) >= 0) {
			throw new HypervisorException(Reason.BACKEND_TIMEOUT, "libxl reuses a destroyed domain id only after "
					+ DomidHistory.REUSE_TIMEOUT.toSeconds() + " s: dom" + target.value() + " can be restored in "
					+ wait.toSeconds() + " s, after the operation's deadline");
		}
		log.info("dom{} was destroyed less than {} s ago: libxl reuses its id in {} s, waiting", target.value(),
				DomidHistory.REUSE_TIMEOUT.toSeconds(), wait.toSeconds());
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.INTERNAL, "interrupted while waiting to reuse dom" + target.value(), e);
		}
	}

	/** What the device lost on its new backend: features it had that are now off or absent. */
	private static ResumeReport.Device device(SavedDomain saved, DeviceInfo now) {
		Map<String, String> before = saved.devices()
			.stream()
			.filter(s -> s.id().equals(now.id()))
			.findFirst()
			.map(DeviceSavedState::features)
			.orElse(java.util.Collections.emptySortedMap());
		List<String> lost = before.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith("feature-") && !"0".equals(e.getValue()))
			.filter(e -> "0".equals(now.features().getOrDefault(e.getKey(), "0")))
			.map(Map.Entry::getKey)
			.toList();
		return new ResumeReport.Device(now.id(), 0, 0, 0, List.of(), now.ringRefs(), lost);
	}

	private void destroyQuietly(int domid) {
		try {
			LibxlNative.domainDestroy(ctx, domid);
		}
		catch (HypervisorException e) {
			log.warn("Could not destroy the half-restored dom{}: {}", domid, SafeText.escape(e.getMessage()));
		}
	}

	private static Duration left(Instant end) {
		Duration d = Duration.between(Instant.now(), end);
		return d.isNegative() ? Duration.ZERO : d;
	}

}
