package org.xso.hypervisor.libxl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What is particular to the libxl adapter: deadlines around libxl's calls, its image, its flags. */
@Tag("libxl")
class LibxlHypervisorTest {

	private static final DomId DOM3 = DomId.of(3);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	/** The stand-in's flag for the test's own xenstore handle, which works while its xenstored is "down". */
	private static final int STANDIN_CONTROL = 1 << 30;

	private static final String VBD_BACKEND = LibxlDevices.backendPath(DomId.DOM0, DOM3, DeviceType.vbd, 51712);

	@TempDir
	Path stateDir;

	private LibxlHypervisor hv;

	private XsHandle xs;

	private void start(boolean live, boolean debug) {
		hv = LibxlStartup.connect(new LibxlSettings(StandIn.library(), stateDir, live, debug, StandIn.classNet()));
		xs = XsHandle.open();
		xs.write("/standin/reset", "1");
		StandIn.domain(xs, 3, "g3", 262144, 2);
		StandIn.vbd(xs, 3, "xvda", 51712, 2048);
		StandIn.vif(xs, 3, 0, "00:16:3e:00:00:03");
	}

	@AfterEach
	void close() {
		xs.close();
		hv.close();
	}

	@Test
	void aQuiesceThatOutlivesItsDeadlineFailsAndTheGuestIsThawedWhenLibxlReturns() {
		start(false, false);
		xs.write("/standin/delay/libxl_domain_suspend", "1500");
		assertThatThrownBy(() -> hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, Duration.ofMillis(200)))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(Reason.QUIESCE_TIMEOUT);
				assertThat(e.getMessage()).startsWith("libxl_domain_suspend did not finish within PT0.2S");
			});
		await().atMost(DEADLINE)
			.untilAsserted(() -> assertThat(StandIn.last(xs, "libxl_domain_resume")).isEqualTo("domid=3 suspend_cancel=1"));
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
		await().atMost(DEADLINE).untilAsserted(() -> assertThat(stateDir.resolve("dom3.save")).doesNotExist());
	}

	@Test
	void aLibxlErrorDuringTheSuspendFailsTheQuiesceWithItsReasonAndLeavesTheGuestRunning() {
		start(false, false);
		StandIn.fail(xs, "libxl_domain_suspend", LibxlError.ERROR_GUEST_TIMEDOUT.code());
		assertThatThrownBy(() -> hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(Reason.QUIESCE_TIMEOUT);
				assertThat(e.getMessage()).isEqualTo("libxl_domain_suspend failed (ERROR_GUEST_TIMEDOUT)");
			});
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
		assertThatThrownBy(() -> hv.save(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_NOT_QUIESCED));
	}

	/** libxl_domain_pause and _unpause, with libxl's errors in the port's terms; a refused pause changes nothing. */
	@Test
	void pausesThroughLibxlAndALibxlErrorLeavesTheGuestAsItWas() {
		start(false, false);
		StandIn.fail(xs, "libxl_domain_pause", LibxlError.ERROR_FAIL.code());
		assertThatThrownBy(() -> hv.pause(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class, e -> {
			assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
			assertThat(e.getMessage()).isEqualTo("libxl_domain_pause failed (ERROR_FAIL)");
		});
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);

		hv.pause(DOM3, DEADLINE);
		assertThat(StandIn.last(xs, "libxl_domain_pause")).isEqualTo("domid=3");
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		StandIn.fail(xs, "libxl_domain_unpause", LibxlError.ERROR_FAIL.code());
		assertThatThrownBy(() -> hv.unpause(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(Reason.INTERNAL));
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		hv.unpause(DOM3, DEADLINE);
		assertThat(StandIn.last(xs, "libxl_domain_unpause")).isEqualTo("domid=3");
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	/**
	 * {@code xl block-detach} while libxl saves the guest: the backend goes Closing. The quiesce
	 * fails naming the device, the guest is thawed in place (suspend_cancel) and no image is left.
	 */
	@Test
	void aBackendDetachedDuringTheSuspendFailsTheQuiesceNamingTheDeviceAndThawsTheGuest() {
		start(false, false);
		xs.write("/standin/hold/libxl_domain_suspend", "1");
		CompletableFuture<QuiesceReport> quiesce = CompletableFuture
			.supplyAsync(() -> hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE));
		await().atMost(DEADLINE).until(() -> xs.read("/standin/held/libxl_domain_suspend").isPresent());
		xs.write(VBD_BACKEND + "/online", "0");
		xs.write(VBD_BACKEND + "/state", "5");
		xs.rm("/standin/hold/libxl_domain_suspend");
		assertThat(quiesce).failsWithin(DEADLINE)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
				assertThat(e.device()).contains(DeviceId.vbd(51712));
				assertThat(e.getMessage()).isEqualTo(
						"vbd/51712 of dom3 lost its backend while suspending: its backend " + VBD_BACKEND + " is Closing");
			});
		assertThat(StandIn.last(xs, "libxl_domain_resume")).isEqualTo("domid=3 suspend_cancel=1");
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
		assertThat(stateDir.resolve("dom3.save")).doesNotExist();
	}

	/**
	 * xenstored killed, then started again without a live update: while it is down every call says
	 * so (HYPERVISOR_UNAVAILABLE, and so does the resume check); once it answers the adapter
	 * reconnects by itself, and the guest that still runs but that the new xenstored knows nothing
	 * of is reported unmanageable, listed without devices, and refused a quiesce saying why.
	 */
	@Test
	void xenstoredRestartedWithoutALiveUpdateIsReportedAndTheAdapterReconnects() {
		start(false, false);
		List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
		hv.addListener(events::add);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hv.save(DOM3, DEADLINE);
		hv.thaw(DOM3, DEADLINE);
		xs.write("/standin/xenstored-stop", "1");
		xs.close();
		xs = XsHandle.open(STANDIN_CONTROL);
		try {
			await().atMost(DEADLINE).untilAsserted(() -> assertThatThrownBy(hv::guests)
				.isInstanceOfSatisfying(HypervisorException.class, e -> {
					assertThat(e.reason()).isEqualTo(Reason.HYPERVISOR_UNAVAILABLE);
					assertThat(e.getMessage()).startsWith("xenstored stopped answering (")
						.endsWith("): it was stopped or restarted; the adapter reconnects when it answers again");
				}));
			assertThatThrownBy(() -> hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class,
						e -> assertThat(e.reason()).isEqualTo(Reason.HYPERVISOR_UNAVAILABLE));
			assertThat(hv.resumeBlockers(saved)).extracting(ResumeBlocker::kind)
				.containsExactly(ResumeBlocker.Kind.HYPERVISOR_UNAVAILABLE);
		}
		finally {
			xs.write("/standin/xenstored-start", "1");
		}
		String why = "xenstored has no record of dom3 (it was restarted without a live update and lost the guest's "
				+ "state): the guest runs, but its devices can no longer be suspended, saved or reconnected through "
				+ "xenstore; destroy it and start it again";
		await().atMost(DEADLINE)
			.untilAsserted(() -> assertThat(events).contains(new HypervisorEvent.GuestUnmanageable(DOM3, why)));
		GuestInfo guest = hv.guest(DOM3).orElseThrow();
		assertThat(guest.state()).isEqualTo(PowerState.RUNNING);
		assertThat(guest.devices()).isEmpty();
		assertThatThrownBy(() -> hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(Reason.BAD_POWER_STATE);
				assertThat(e.getMessage()).isEqualTo(why);
			});
		// a guest started on the new xenstored is managed as before
		StandIn.domain(xs, 4, "g4", 262144, 1);
		StandIn.vbd(xs, 4, "xvda", 51712, 2048);
		assertThat(hv.guest(DomId.of(4)).orElseThrow().devices()).hasSize(1);
		hv.quiesce(DomId.of(4), SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		hv.thaw(DomId.of(4), DEADLINE);
	}

	/** A backend removed after the guest was saved: neither the image is taken nor the domain destroyed. */
	@Test
	void aBackendRemovedAfterTheSuspendFailsTheSaveAndTheSuspendAndTheGuestCanBeThawed() {
		start(false, false);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		String vif = LibxlDevices.backendPath(DomId.DOM0, DOM3, DeviceType.vif, 0);
		xs.rm(vif);
		assertThatThrownBy(() -> hv.save(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class, e -> {
			assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
			assertThat(e.device()).contains(DeviceId.vif(0));
			assertThat(e.getMessage()).isEqualTo("vif/0 of dom3 lost its backend while saving: its backend " + vif
					+ " was removed");
		});
		assertThatThrownBy(() -> hv.suspend(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.device()).contains(DeviceId.vif(0)));
		assertThat(hv.guest(DOM3)).isPresent();
		hv.thaw(DOM3, DEADLINE);
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void aResumeWhoseBackendsNeverConnectFailsAndLeavesNoDomainBehind() {
		start(false, false);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hv.save(DOM3, DEADLINE);
		hv.suspend(DOM3, DEADLINE);
		xs.write("/standin/stall-backends", "1");
		assertThatThrownBy(() -> hv.resume(saved, DOM3, Duration.ofMillis(500), p -> {
		})).isInstanceOfSatisfying(HypervisorException.class, e -> {
			assertThat(e.reason()).isEqualTo(Reason.BACKEND_TIMEOUT);
			// what was left of the deadline for the handshake: PT0S where a busy machine spent it all restoring
			assertThat(e.getMessage()).matches("dom3: devices not Connected after PT0(\\.\\d{1,3})?S: .*")
				.contains("vbd/51712 frontend=Initialising")
				.contains("vbd/51712 backend=InitWait");
		});
		assertThat(hv.guest(DOM3)).isEmpty();
		assertThat(xs.directory("/local/domain/3")).isEmpty();
		assertThat(xs.directory("/local/domain/0/backend/vbd/3")).isEmpty();
	}

	@Test
	void savesTheLibxlConfigurationAndTheSaveStreamByteForByte() throws Exception {
		start(true, true);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		assertThat(StandIn.last(xs, "libxl_domain_suspend")).isEqualTo("domid=3 flags=3");
		byte[] file = Files.readAllBytes(stateDir.resolve("dom3.save"));
		SavedDomain saved = hv.save(DOM3, DEADLINE);
		LibxlSaveImage image = LibxlSaveImage.decode(saved.memoryImage());
		assertThat(image.configJson()).contains("\"name\":\"g3\"").contains("\"max_memkb\":262144");
		assertThat(image.stream()).isEqualTo(file);
		assertThat(new String(image.stream(), 0, 30, StandardCharsets.US_ASCII)).isEqualTo("XSO-STANDIN-SAVE 1 g3 262144 2");
		assertThat(saved.config().memoryMiB()).isEqualTo(256);
		assertThat(saved.config().vcpus()).isEqualTo(2);
		hv.thaw(DOM3, DEADLINE);
		assertThat(stateDir.resolve("dom3.save")).doesNotExist();
	}

	@Test
	void refusesToResumeAnotherAdaptersImage() {
		start(false, false);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain ours = hv.save(DOM3, DEADLINE);
		hv.thaw(DOM3, DEADLINE);
		// another guest's images: not under the name dom3 runs with
		GuestSpec other = new GuestSpec("other-4", ours.config().memoryMiB(), ours.config().vcpus(),
				ours.config().devices());
		SavedDomain theirs = new SavedDomain(ours.formatVersion(), "sim", DomId.of(4), other, ours.devices(),
				ours.memoryImage());
		assertThat(hv.resumeBlockers(theirs)).containsExactly(ResumeBlocker.of(ResumeBlocker.Kind.ADAPTER_MISMATCH,
				"saved by the sim adapter; the libxl adapter restores only its own images"));
		assertThatThrownBy(() -> hv.resume(theirs, DomId.of(4), DEADLINE, p -> {
		})).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_IMAGE));
		SavedDomain garbled = new SavedDomain(ours.formatVersion(), "libxl", DomId.of(4), other,
				ours.devices(), new byte[] { 1, 2, 3 });
		assertThat(hv.resumeBlockers(garbled)).containsExactly(ResumeBlocker
			.of(ResumeBlocker.Kind.FORMAT_VERSION_UNSUPPORTED, "not a libxl adapter image (no XSOLIBXL header)"));
	}

	@Test
	void thawsAGuestThatAnEarlierInstanceQuiesced() {
		start(false, false);
		hv.quiesce(DOM3, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		hv.close(); // the service restarts
		hv = LibxlStartup.connect(new LibxlSettings(StandIn.library(), stateDir, false, false, StandIn.classNet()));
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		assertThatThrownBy(() -> hv.save(DOM3, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_NOT_QUIESCED));
		hv.thaw(DOM3, DEADLINE);
		assertThat(hv.guest(DOM3).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void closesOnceWhenClosedTwice() {
		start(false, false);
		hv.close();
		long before = StandIn.outstanding(xs);
		hv.close(); // a second free of the libxl context would corrupt the heap
		assertThat(StandIn.outstanding(xs)).isEqualTo(before);
		hv = LibxlStartup.connect(new LibxlSettings(StandIn.library(), stateDir, false, false, StandIn.classNet()));
	}

	@Test
	void refusesWhatOnlyTheHostsToolstackDoes() {
		start(false, false);
		assertThatThrownBy(() -> hv.detach(DOM3, org.xso.hypervisor.DeviceId.vif(0), DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class,
					e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SUPPORTED));
		assertThat(hv).as("workloads and faults are the simulator's").isNotInstanceOf(SimulatorControls.class);
		assertThat(hv.kind()).isEqualTo("libxl");
	}

}
