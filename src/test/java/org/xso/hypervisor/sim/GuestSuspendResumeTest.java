package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A guest with one vbd and one vif, both workloads running, suspended and resumed through the
 * adapter, and restored into a new domain: block requests complete exactly once, packets in flight
 * are delivered once or counted dropped.
 */
class GuestSuspendResumeTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final SimHypervisor hv = new SimHypervisor();

	@AfterEach
	void close() {
		hv.close();
	}

	private void boot() {
		hv.create(Optional.of(DOM1),
				new GuestSpec("guest1", 256, 1,
						List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 16, 512, BlkbackFeatures.LINUX_DEFAULT),
								new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"))),
				DEADLINE);
		hv.simulator().orElseThrow().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
	}

	private void assertSettled(DomId domid) {
		long[] before = hv.guest(domid).orElseThrow().devices().stream().mapToLong(d -> d.counters().completed()).toArray();
		await().atMost(DEADLINE).untilAsserted(() -> {
			List<DeviceInfo> now = hv.guest(domid).orElseThrow().devices();
			for (int i = 0; i < now.size(); i++) {
				assertThat(now.get(i).counters().completed()).as(now.get(i).id() + " keeps completing after the resume")
					.isGreaterThan(before[i] + 100);
			}
		});
		hv.simulator().orElseThrow().stopWorkload(domid);
		await().atMost(DEADLINE).untilAsserted(() -> {
			for (DeviceInfo d : hv.guest(domid).orElseThrow().devices()) {
				assertThat(d.counters().inFlight()).as(d.id() + " in flight").isZero();
			}
		});
		assertThat(hv.simulator().orElseThrow().verifyDisks(domid, DEADLINE)).isZero();
		for (DeviceInfo d : hv.guest(domid).orElseThrow().devices()) {
			DeviceCounters c = d.counters();
			assertThat(c.duplicated()).as(d.id() + " duplicated").isZero();
			assertThat(c.lost()).as(d.id() + " lost").isZero();
			if (d.id().type() == org.xso.hypervisor.DeviceType.vif) {
				assertThat(c.packetsSent()).isPositive();
				assertThat(c.packetsReceived() + c.packetsDropped()).isEqualTo(c.packetsSent());
			}
			else {
				assertThat(c.completed()).isEqualTo(c.issued());
			}
		}
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void resumesInPlaceWithBothWorkloadsIntact(SuspendStrategy strategy) throws Exception {
		boot();
		for (int i = 0; i < 50; i++) {
			Thread.sleep(2);
			hv.quiesce(DOM1, strategy, DEADLINE);
			SavedDomain image = hv.save(DOM1);
			hv.suspend(DOM1, DEADLINE);
			hv.resume(image, DOM1, DEADLINE, p -> {
			});
		}
		assertSettled(DOM1);
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void restoresALiveCheckpointIntoANewDomainWhileTheOriginalRuns(SuspendStrategy strategy) throws Exception {
		boot();
		Thread.sleep(20);
		hv.quiesce(DOM1, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM1);
		hv.thaw(DOM1, DEADLINE);
		DomId clone = DomId.of(7);
		hv.resume(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), clone, DEADLINE, p -> {
		});
		assertThat(hv.guest(clone).orElseThrow().devices()).allMatch(DeviceInfo::connected);
		Thread.sleep(20);
		assertSettled(clone);
		assertSettled(DOM1);
	}

}
