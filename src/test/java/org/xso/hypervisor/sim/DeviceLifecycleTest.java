package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Attach, negotiation and faults of block devices through the simulator adapter. */
class DeviceLifecycleTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final SimHypervisor hv = new SimHypervisor();

	private final XsConnection dom0 = hv.host.xenstore.connect(DomId.DOM0);

	@AfterEach
	void close() {
		hv.close();
	}

	private DeviceInfo boot(BlkbackFeatures features) {
		hv.create(Optional.of(DOM1),
				new GuestSpec("g", 128, 1, List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 2048, 512, features))),
				DEADLINE);
		return hv.guest(DOM1).orElseThrow().devices().get(0);
	}

	@Test
	void negotiatesAMultiPageRingWhenTheBackendOffersOne() {
		// one queue: the legacy layout, ring-ref0..3 at the top level
		DeviceInfo d = boot(new BlkbackFeatures(true, 32, true, true, 4));
		assertThat(d.connected()).isTrue();
		assertThat(d.features()).containsEntry("ring-page-order", "2");
		assertThat(d.ringRefs()).hasSize(4);
		String fe = "/local/domain/1/device/vbd/51712";
		assertThat(dom0.read(fe + "/ring-page-order")).isEqualTo("2");
		for (int i = 0; i < 4; i++) {
			assertThat(dom0.read(fe + "/ring-ref" + i)).isEqualTo(d.ringRefs().get(i).toString());
		}
		assertThat(dom0.tryRead(fe + "/ring-ref")).isEmpty();
		assertThat(dom0.read(fe + "/event-channel")).isEqualTo(d.evtchns().get(0).toString());
	}

	@Test
	void usesOnePageAndNoIndirectDescriptorsWithAMinimalBackend() {
		DeviceInfo d = boot(BlkbackFeatures.MINIMAL);
		assertThat(d.ringRefs()).hasSize(1);
		assertThat(d.features()).containsEntry("ring-page-order", "0")
			.containsEntry("feature-persistent", "0")
			.containsEntry("feature-max-indirect-segments", "0");
		assertThat(dom0.read("/local/domain/1/device/vbd/51712/ring-ref")).isEqualTo(d.ringRefs().get(0).toString());
	}

	@Test
	void suspendResumeCyclesLeaveNoXenstoreConnectionsOrWatchesBehind() {
		hv.create(Optional.of(DOM1),
				new GuestSpec("g", 128, 1,
						List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
								new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"))),
				DEADLINE);
		int connections = hv.host.xenstore.connectionCount();
		int watches = hv.host.xenstore.watchCount();
		int nodes = hv.host.xenstore.nodeCount();

		for (int i = 0; i < 20; i++) {
			SuspendStrategy strategy = i % 2 == 0 ? SuspendStrategy.SHADOW_REPLAY : SuspendStrategy.SUSPEND_RESUME;
			hv.quiesce(DOM1, strategy, DEADLINE);
			var image = hv.save(DOM1, DEADLINE);
			hv.suspend(DOM1, DEADLINE);
			hv.resume(image, DOM1, DEADLINE, phase -> {
			});
		}

		assertThat(hv.host.xenstore.connectionCount()).isEqualTo(connections);
		assertThat(hv.host.xenstore.watchCount()).isEqualTo(watches);
		assertThat(hv.host.xenstore.nodeCount()).isEqualTo(nodes);
	}

	@Test
	void retriesTheConnectTransactionOnEagain() {
		hv.controls().injectXenstoreConflicts(3);
		long before = hv.host.xenstore.transactionRetries();
		DeviceInfo d = boot(BlkbackFeatures.LINUX_DEFAULT);
		assertThat(d.connected()).isTrue();
		assertThat(hv.host.xenstore.transactionRetries() - before).isGreaterThanOrEqualTo(3);
	}

	@Test
	void aBackendThatNeverConnectsFailsTheCreateAndLeavesNothingBehind() {
		hv.controls().setBackendsStall(DOM1, true);
		assertThatThrownBy(() -> hv.create(Optional.of(DOM1),
				new GuestSpec("g", 128, 1,
						List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 2048, 512, BlkbackFeatures.MINIMAL))),
				Duration.ofMillis(300)))
			.isInstanceOf(HypervisorException.class)
			.extracting(e -> ((HypervisorException) e).reason())
			.isEqualTo(HypervisorException.Reason.BACKEND_TIMEOUT);
		assertThat(hv.guest(DOM1)).isEmpty();
		assertThat(dom0.tryRead("/local/domain/1")).isEmpty();
		assertThat(dom0.tryRead("/local/domain/0/backend/vbd/1/51712")).isEmpty();
		assertThat(hv.host.grants.table(DOM1)).isEmpty();
	}

	@Test
	void aCancelledSuspendLeavesShadowReplayDevicesUntouched() {
		DeviceInfo before = boot(BlkbackFeatures.LINUX_DEFAULT);
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		hv.save(DOM1, DEADLINE);
		hv.thaw(DOM1, DEADLINE);
		DeviceInfo after = hv.guest(DOM1).orElseThrow().devices().get(0);
		assertThat(after.ringRefs()).isEqualTo(before.ringRefs());
		assertThat(after.evtchns()).isEqualTo(before.evtchns());
		assertThat(after.frontendState()).isEqualTo(XenbusState.Connected);
		assertThat(hv.guest(DOM1).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void aCancelledSuspendReconnectsSuspendResumeDevicesOnFreshGrants() {
		boot(BlkbackFeatures.LINUX_DEFAULT);
		var gnttab = hv.host.grants.table(DOM1).orElseThrow();
		long ended = gnttab.grantsEnded();
		long issued = gnttab.grantsIssued();
		hv.host.xenstore.clearHistory();
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		hv.thaw(DOM1, DEADLINE);
		DeviceInfo after = hv.guest(DOM1).orElseThrow().devices().get(0);
		assertThat(after.connected()).isTrue();
		assertThat(gnttab.grantsEnded() - ended).as("ring grants ended by the suspend routine").isGreaterThanOrEqualTo(4);
		assertThat(gnttab.grantsIssued() - issued).as("ring re-granted by the resume routine").isGreaterThanOrEqualTo(4);
		assertThat(hv.host.xenstore.history("/local/domain/1/device/vbd/51712/state"))
			.extracting(e -> e.value())
			.containsSubsequence("5", "6", "1", "3", "4");
	}

	@Test
	void aLostNotificationStallsTheRingAndADrainReportsItAtItsDeadline() {
		boot(BlkbackFeatures.LINUX_DEFAULT);
		hv.controls().startWorkload(DOM1, new org.xso.hypervisor.WorkloadSpec(true, 4, 8, 256, false, 1));
		long dropped = hv.host.evtchn.dropped();
		hv.controls().loseNotifications(DOM1, XVDA, 1_000_000);
		org.awaitility.Awaitility.await().atMost(DEADLINE).until(() -> hv.host.evtchn.dropped() > dropped);
		// the backend went to sleep and its kick was lost: requests stay on the ring
		assertThatThrownBy(() -> hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, Duration.ofMillis(200)))
			.isInstanceOf(HypervisorException.class)
			.extracting(e -> ((HypervisorException) e).reason())
			.isEqualTo(HypervisorException.Reason.QUIESCE_TIMEOUT);
		assertThat(hv.guest(DOM1).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void refusesToSaveAGuestThatIsNotQuiesced() {
		boot(BlkbackFeatures.MINIMAL);
		assertThatThrownBy(() -> hv.save(DOM1, DEADLINE)).isInstanceOf(HypervisorException.class)
			.extracting(e -> ((HypervisorException) e).reason())
			.isEqualTo(HypervisorException.Reason.DEVICE_NOT_QUIESCED);
	}

	/**
	 * A driver that does not answer within the save's deadline fails the save, and the disk snapshot
	 * already taken for it goes: no checkpoint will ever name it.
	 */
	@Test
	void aSaveThatMissesItsDeadlineKeepsNoDiskSnapshot() throws InterruptedException {
		boot(BlkbackFeatures.LINUX_DEFAULT);
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
		hv.existing(DOM1).frontend(XVDA).executor.execute(() -> {
			held.countDown();
			try {
				busy.await();
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			held.await();
			assertThatThrownBy(() -> hv.save(DOM1, Duration.ofMillis(200))).isInstanceOfSatisfying(
					HypervisorException.class,
					e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.BACKEND_TIMEOUT));
			assertThat(hv.host.disks.snapshotIds()).isEmpty();
		}
		finally {
			busy.countDown();
		}
		assertThat(hv.save(DOM1, DEADLINE).devices()).hasSize(1);
		assertThat(hv.host.disks.snapshotIds()).hasSize(1);
		hv.thaw(DOM1, DEADLINE);
	}

	@Test
	void destroyClosesBothEndsAndReleasesEveryFrame() {
		boot(BlkbackFeatures.LINUX_DEFAULT);
		int framesWithGuest = hv.host.memory.allocatedFrames();
		hv.destroy(DOM1, DEADLINE);
		assertThat(hv.guest(DOM1)).isEmpty();
		assertThat(hv.host.memory.allocatedFrames()).isLessThan(framesWithGuest);
		assertThat(hv.host.grants.mappingsOf(DomId.DOM0)).isEmpty();
		assertThat(hv.host.xenstore.history("/local/domain/0/backend/vbd/1/51712/state"))
			.extracting(e -> e.value())
			.containsSubsequence("5", "6");
	}

}
