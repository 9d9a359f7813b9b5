package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
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
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A guest with one vbd and one vif, both workloads running, suspended and resumed through the
 * adapter, and restored into a new domain: block requests complete exactly once, packets in flight
 * are delivered once or counted dropped. One name is one live domain, as libxl has it.
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
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
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
		hv.controls().stopWorkload(domid);
		await().atMost(DEADLINE).untilAsserted(() -> {
			for (DeviceInfo d : hv.guest(domid).orElseThrow().devices()) {
				assertThat(d.counters().inFlight()).as(d.id() + " in flight").isZero();
			}
		});
		assertThat(hv.controls().verifyDisks(domid, DEADLINE).mismatches()).isZero();
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
			SavedDomain image = hv.save(DOM1, DEADLINE);
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
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.thaw(DOM1, DEADLINE);
		DomId clone = DomId.of(7);
		// one name, one domain (libxl refuses a second): the copy runs beside the original under its own
		SavedDomain copy = SavedImages.renamed(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), "guest1-copy");
		hv.resume(copy, clone, DEADLINE, p -> {
		});
		assertThat(hv.guest(clone).orElseThrow().config().name()).isEqualTo("guest1-copy");
		assertThat(hv.guest(clone).orElseThrow().devices()).allMatch(DeviceInfo::connected);
		Thread.sleep(20);
		assertSettled(clone);
		assertSettled(DOM1);
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void refusesToResumeASuspendedGuestWhileItsRestoredCopyRunsUnderItsName(SuspendStrategy strategy)
			throws Exception {
		boot();
		Thread.sleep(20);
		hv.quiesce(DOM1, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		assertThat(hv.resumeBlockers(image)).isEmpty();
		DomId copy = DomId.of(7);
		hv.resume(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), copy, DEADLINE, p -> {
		});
		hv.controls().startWorkload(copy, new WorkloadSpec(true, 16, 16, 1024, true, 32));

		assertThat(hv.resumeBlockers(image)).singleElement().satisfies(b -> {
			assertThat(b.kind()).isEqualTo(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE);
			assertThat(b.detail()).contains("dom7", "guest1");
		});
		List<ResumePhase> phases = new ArrayList<>();
		assertThatThrownBy(() -> hv.resume(image, DOM1, DEADLINE, phases::add))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_IMAGE);
				assertThat(e.getMessage()).contains("dom7");
			});
		assertThat(phases).as("refused before anything started").isEmpty();
		assertThat(hv.guest(DOM1)).isEmpty();
		assertThat(hv.guest(copy).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
		assertThat(hv.guest(copy).orElseThrow().devices()).allMatch(DeviceInfo::connected);
		assertSettled(copy);
		// the original's checkpoint is intact: once the copy is gone it resumes
		hv.destroy(copy, DEADLINE);
		assertThat(hv.resumeBlockers(image)).isEmpty();
		hv.resume(image, DOM1, DEADLINE, p -> {
		});
		assertSettled(DOM1);
	}

	@org.junit.jupiter.api.Test
	void refusesToCreateAGuestUnderANameInUse() {
		boot();
		GuestSpec twin = new GuestSpec("guest1", 128, 1, List.of());
		assertThatThrownBy(() -> hv.create(Optional.of(DomId.of(2)), twin, DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DOMAIN_EXISTS);
				assertThat(e.getMessage()).contains("dom1", "guest1");
			});
		assertThat(hv.guest(DomId.of(2))).isEmpty();
		assertThat(hv.guest(DOM1).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

}
