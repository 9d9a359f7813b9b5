package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.store.XsConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One backend per device incarnation, however late dom0's backend bus runs. A suspend → resume in
 * place re-creates the device directories under the same paths; if a blkback of the previous
 * incarnation is still alive when the new one appears, it watches the same frontend {@code state},
 * connects to the new ring too, and two backends consume one ring: one of them reads slots the
 * other has already answered (a response whose id is 5 reads as a {@code BLKIF_OP_DISCARD}), throws,
 * and the frontend's next drain misses its deadline.
 *
 * <p>
 * The bus is stalled explicitly, with its seam, where a preempted bus thread stops: right after it
 * has created (and started) a driver. No timing is involved: each step waits for a condition.
 */
class BackendIncarnationTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final String BACKEND_DIR = "/local/domain/0/backend/vbd/1/51712";

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private final SimHypervisor hv = new SimHypervisor();

	@AfterEach
	void close() {
		hv.host.dom0.bus.probed = null;
		hv.close();
	}

	@Test
	void aSuspendWaitsForTheBackendOfAGuestResumedWhileTheBusWasStalled() {
		hv.create(Optional.of(DOM1), new GuestSpec("guest1", 256, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 1 << 20, 512, BlkbackFeatures.LINUX_DEFAULT))),
				DEADLINE);
		hv.controls().setBackendLatency(DOM1, XVDA, Duration.ofMillis(1));
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 8, 8, 4096, false, 1));
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		SavedDomain first = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);

		// the bus thread stops after creating the backend of the resumed incarnation; it goes on once
		// that incarnation's directory is gone and the toolstack can wait for the driver (it knows
		// it), or once the suspend has returned without waiting (a bus that does not run is not
		// waited for)
		XsConnection xs = hv.host.toolstack.connection();
		AtomicReference<BackendBus.BackendDriver> stalled = new AtomicReference<>();
		AtomicBoolean armed = new AtomicBoolean(true);
		CountDownLatch suspendReturned = new CountDownLatch(1);
		hv.host.dom0.bus.probed = driver -> {
			if (!armed.getAndSet(false)) {
				return;
			}
			stalled.set(driver);
			String instance = xs.read(BACKEND_DIR + "/" + Toolstack.INSTANCE_KEY);
			await().atMost(DEADLINE)
				.pollInterval(Duration.ofMillis(1))
				.until(() -> !instance.equals(xs.tryRead(BACKEND_DIR + "/" + Toolstack.INSTANCE_KEY).orElse(null))
						&& (hv.host.driver(DOM1, XVDA).orElse(null) == driver
								|| suspendReturned.getCount() == 0));
		};

		hv.resume(first, DOM1, DEADLINE, p -> {
		});
		first.devices().forEach(d -> hv.releaseStorage(d.backendInfo()));
		assertThat(stalled.get()).as("the resumed incarnation's backend").isNotNull();
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		SavedDomain second = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		boolean removedWhenSuspendReturned = stalled.get().removed().isDone();
		suspendReturned.countDown();
		assertThat(removedWhenSuspendReturned)
			.as("the backend of the destroyed incarnation is gone when the suspend returns")
			.isTrue();

		// the next incarnation has one backend: every request completes once, the disk verifies
		hv.resume(second, DOM1, DEADLINE, p -> {
		});
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		hv.controls().stopWorkload(DOM1);
		await().atMost(DEADLINE).until(() -> counters().inFlight() == 0);
		assertThat(counters().duplicated()).isZero();
		assertThat(counters().lost()).isZero();
		assertThat(counters().completed()).isEqualTo(counters().issued());
	}

	private DeviceCounters counters() {
		return hv.guest(DOM1).orElseThrow().devices().get(0).counters();
	}

}
