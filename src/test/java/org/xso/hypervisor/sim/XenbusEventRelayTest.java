package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The xenbus states a suspend with the suspend routines goes through reach the listeners, every one,
 * in order, however late the listeners are: here the first listener call blocks until the guest is
 * suspended and its device directories are gone from xenstore, as on a machine too busy to keep up.
 * A relay that read each watched path when its turn came found nothing left to read and lost the
 * devices' last states (the console's event log missed "frontend → Closed" in CI so).
 */
class XenbusEventRelayTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private static final List<DeviceId> DEVICES = List.of(DeviceId.vbd(51712), DeviceId.vif(0));

	private final SimHypervisor hv = new SimHypervisor();

	@AfterEach
	void close() {
		hv.close();
	}

	/** The suspend routines close both ends of every device before the save; shadow replay closes none. */
	@Test
	void aSuspendsClosingStatesReachALateListenerAfterTheDevicesAreGone() {
		hv.create(Optional.of(DOM1),
				new GuestSpec("relay", 128, 1,
						List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
								new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"))),
				DEADLINE);
		List<HypervisorEvent.XenbusStateChanged> seen = new CopyOnWriteArrayList<>();
		CountDownLatch suspended = new CountDownLatch(1);
		hv.addListener(e -> {
			if (e instanceof HypervisorEvent.XenbusStateChanged x && x.domid().equals(DOM1)) {
				if (seen.isEmpty()) {
					awaitLatch(suspended); // the relay falls behind until the guest is suspended
				}
				seen.add(x);
			}
		});

		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		assertThat(hv.xenstore("/local/domain/1/device")).as("the guest's device directories").isEmpty();
		suspended.countDown();

		for (DeviceId device : DEVICES) {
			for (HypervisorEvent.End end : HypervisorEvent.End.values()) {
				await().atMost(DEADLINE)
					.untilAsserted(() -> assertThat(states(seen, device, end)).as(device + " " + end)
						.endsWith(XenbusState.Closed)
						.containsSubsequence(XenbusState.Closing, XenbusState.Closed));
			}
		}
	}

	private static List<XenbusState> states(List<HypervisorEvent.XenbusStateChanged> seen, DeviceId device,
			HypervisorEvent.End end) {
		return seen.stream().filter(x -> x.device().equals(device) && x.end() == end).map(x -> x.state()).toList();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			if (!latch.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
				throw new AssertionError("the guest was never suspended");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
