package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

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
import org.xso.hypervisor.ThawFailedException;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The undo of a failed quiesce has a budget of its own ({@code Hypervisor.undoBudget}): a quiesce
 * that misses a tiny deadline while its ring is being torn down still thaws the guest when the thaw,
 * which has to let the backend close the ring and then reconnect it, takes longer than that
 * deadline. The caller sees a QUIESCE_TIMEOUT (the operation rolls back), not a
 * {@link ThawFailedException} (the domain would be faulted).
 *
 * <p>
 * The backend is held deterministically, as a busy host would keep it: a task on its executor waits
 * for a latch that this test releases only once the thaw has been waiting longer than the quiesce's
 * deadline.
 */
class QuiesceUndoTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	/**
	 * The quiesce's deadline, far below the undo floor: missed for sure, since the backend cannot
	 * close its ring meanwhile, and long enough for the drain's own steps on a busy host.
	 */
	private static final Duration TINY = Duration.ofSeconds(1);

	private final SimHypervisor hv = new SimHypervisor();

	/** Released by the test's threads; a held backend executor is let go before the host closes. */
	private final CountDownLatch backendReleased = new CountDownLatch(1);

	@AfterEach
	void close() {
		backendReleased.countDown();
		hv.close();
	}

	@Test
	void aQuiesceThatMissesATinyDeadlineThawsTheGuestEvenWhenTheThawTakesLonger() {
		hv.create(Optional.of(DOM1), new GuestSpec("guest1", 256, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 1 << 20, 512, BlkbackFeatures.LINUX_DEFAULT))),
				DEADLINE);
		List<Integer> refsBefore = device().ringRefs().stream().map(GrantRef::value).toList();
		Frontend front = hv.host.guest(DOM1).frontend(XVDA);
		CompletableFuture<Void> connectedBefore = front.phase(Frontend.Phase.CONNECTED);
		Backend back = (Backend) hv.host.driver(DOM1, XVDA).orElseThrow();
		back.executor.execute(this::holdBackend);

		// the thaw starts a new connection (its phases are fresh): from then on it waits for the held
		// backend, which is let go only after longer than the quiesce's whole deadline
		CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
			await().atMost(DEADLINE)
				.pollInterval(Duration.ofMillis(5))
				.until(() -> front.phase(Frontend.Phase.CONNECTED) != connectedBefore);
			await().during(TINY.multipliedBy(2)).atMost(DEADLINE).until(() -> backendReleased.getCount() == 1);
			backendReleased.countDown();
		});

		HypervisorException e = catchThrowableOfType(HypervisorException.class,
				() -> hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, TINY));
		release.join();

		assertThat(e).as("a rollback, not a fault").isNotNull().isNotInstanceOf(ThawFailedException.class);
		assertThat(e.reason()).isEqualTo(HypervisorException.Reason.QUIESCE_TIMEOUT);
		assertThat(hv.guest(DOM1).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
		DeviceInfo after = device();
		assertThat(after.connected()).isTrue();
		// a ring per queue, as before: the torn-down rings were released, not kept beside the new ones
		assertThat(after.ringRefs()).hasSameSizeAs(refsBefore);
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 8, 8, 4096, false, 1));
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
	}

	private DeviceInfo device() {
		return hv.guest(DOM1).orElseThrow().devices().get(0);
	}

	private void holdBackend() {
		try {
			backendReleased.await();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
