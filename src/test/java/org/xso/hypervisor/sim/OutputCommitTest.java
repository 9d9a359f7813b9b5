package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Output commit, as Remus does it: while a guest's output is held, a packet it transmits leaves
 * the host only once a capture taken after it was made durable (released); a capture that was
 * discarded releases nothing; turning it off lets everything go, and the guest loses nothing.
 */
class OutputCommitTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId VIF = DeviceId.vif(0);

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private static final int WINDOW = 8;

	private static final GuestSpec SPEC = new GuestSpec("remus-net", 64, 1, List.of(
			new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 13, 512, BlkbackFeatures.LINUX_DEFAULT),
			new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:02")));

	@Test
	void aPacketLeavesOnlyOnceACaptureTakenAfterItIsDurable() {
		try (SimHypervisor hv = new SimHypervisor()) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			hv.controls().startWorkload(DOM1, new WorkloadSpec(false, 1, 1, 8, true, WINDOW));
			await().atMost(DEADLINE).until(() -> counters(hv).packetsReceived() >= 50);
			Netback netback = (Netback) hv.host.driver(DOM1, VIF).orElseThrow();
			Bridge bridge = hv.host.dom0.bridge(DeviceSpec.DEFAULT_BRIDGE);
			// held from a capture on: what the guest sends after it waits for a later one
			hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			hv.holdOutput(DOM1, true, DEADLINE);
			Capture before = hv.capture(DOM1, DEADLINE, true);
			hv.thaw(DOM1, DEADLINE);
			// the window fills with packets that are held: nothing comes back, the guest sends nothing more
			await().atMost(DEADLINE).until(() -> netback.heldFrames() == WINDOW);
			long echoed = bridge.echoed();
			hv.persistCapture(before);
			hv.releaseOutput(before);
			await().during(Duration.ofMillis(300)).atMost(DEADLINE)
				.until(() -> bridge.echoed() == echoed && netback.heldFrames() == WINDOW);

			Capture first = capture(hv);
			await().during(Duration.ofMillis(300)).atMost(DEADLINE)
				.until(() -> bridge.echoed() == echoed && netback.heldFrames() == WINDOW);
			hv.persistCapture(first);
			hv.releaseOutput(first);
			// exactly what was held before the capture left; what the guest sent since waits
			await().atMost(DEADLINE).until(() -> bridge.echoed() == echoed + WINDOW && netback.heldFrames() == WINDOW);
			assertThat(bridge.echoed()).isEqualTo(echoed + WINDOW);

			Capture discarded = capture(hv);
			hv.discardCapture(discarded);
			hv.releaseOutput(discarded);
			await().during(Duration.ofMillis(300)).atMost(DEADLINE)
				.until(() -> bridge.echoed() == echoed + WINDOW && netback.heldFrames() == WINDOW);

			// the next durable capture releases what waited for the discarded one as well
			Capture third = capture(hv);
			hv.persistCapture(third);
			hv.releaseOutput(third);
			await().atMost(DEADLINE).until(() -> bridge.echoed() == echoed + 2 * WINDOW);

			hv.holdOutput(DOM1, false, DEADLINE);
			long released = bridge.echoed();
			await().atMost(DEADLINE).until(() -> bridge.echoed() > released + 100);
			hv.controls().stopWorkload(DOM1);
			await().atMost(DEADLINE).until(() -> counters(hv).inFlight() == 0);
			DeviceCounters c = counters(hv);
			assertThat(c.lost()).isZero();
			assertThat(c.duplicated()).isZero();
			assertThat(c.packetsDropped()).isZero();
			assertThat(netback.heldFrames()).isZero();
		}
	}

	private static Capture capture(SimHypervisor hv) {
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		Capture c = hv.capture(DOM1, DEADLINE, true);
		hv.thaw(DOM1, DEADLINE);
		return c;
	}

	private static DeviceCounters counters(SimHypervisor hv) {
		return hv.guest(DOM1).orElseThrow().devices().stream().filter(d -> d.id().equals(VIF)).findFirst()
			.orElseThrow().counters();
	}

}
