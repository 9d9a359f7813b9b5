package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.grant.GrantHandle;
import org.xso.xen.grant.GrantMapResult;
import org.xso.xen.grant.Gntst;
import org.xso.xen.store.XsHistoryEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Suspend and resume of a guest whose block workload runs at queue depth 16, through the
 * simulator adapter, under both strategies.
 */
class BlockSuspendResumeTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final SimHypervisor hv = new SimHypervisor();

	@AfterEach
	void close() {
		hv.close();
	}

	private void bootWithWorkload(BlkbackFeatures features, Duration latency) {
		hv.host.faults.defaultBlockLatency = latency;
		hv.create(Optional.of(DOM1), new GuestSpec("guest1", 256, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 1 << 20, 512, features))), DEADLINE);
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 24, 2048, false, 1));
	}

	/** Verifies the disk, then stops the workload (a verify leaves it running) and waits for what is in flight. */
	private void verifyAndSettle() {
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		hv.controls().stopWorkload(DOM1);
		await().atMost(DEADLINE).until(() -> counters().inFlight() == 0);
	}

	private DeviceCounters counters() {
		return hv.guest(DOM1).orElseThrow().devices().get(0).counters();
	}

	private ResumeReport cycle(SuspendStrategy strategy) {
		QuiesceReport q = hv.quiesce(DOM1, strategy, DEADLINE);
		assertThat(q.devices()).hasSize(1);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		assertThat(hv.guest(DOM1)).isEmpty();
		List<ResumePhase> phases = new ArrayList<>();
		ResumeReport r = hv.resume(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), DOM1, DEADLINE,
				phases::add);
		assertThat(phases).containsExactly(ResumePhase.values());
		return r;
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void completesEveryRequestExactlyOnceOverAThousandCycles(SuspendStrategy strategy) throws Exception {
		bootWithWorkload(BlkbackFeatures.LINUX_DEFAULT, Duration.ofMillis(1));
		SplittableRandom random = new SplittableRandom(42);
		long replayed = 0;
		for (int i = 0; i < 1000; i++) {
			java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(2_000_000));
			ResumeReport r = cycle(strategy);
			replayed += r.devices().get(0).replayed();
		}
		verifyAndSettle();
		DeviceCounters c = counters();
		assertThat(c.duplicated()).isZero();
		assertThat(c.lost()).isZero();
		assertThat(c.inFlight()).isZero();
		assertThat(c.completed()).isEqualTo(c.issued());
		// each resume reports its own replays: together they are the device's lifetime count
		assertThat(replayed).isEqualTo(c.replayed());
		BlockWorkload w = hv.host.guest(DOM1).blockWorkload(XVDA);
		long[] wc = w.counters();
		assertThat(wc[2]).as("duplicated completions").isZero();
		assertThat(wc[3]).as("errors").isZero();
		assertThat(wc[4]).as("verify failures").isZero();
		assertThat(wc[5]).as("verified reads").isPositive();
		if (strategy == SuspendStrategy.SHADOW_REPLAY) {
			assertThat(replayed).as("requests replayed from the shadow").isPositive();
		}
		else {
			assertThat(replayed).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void refsFromBeforeTheSuspendNeverMapAfterTheRestore(SuspendStrategy strategy) {
		bootWithWorkload(BlkbackFeatures.LINUX_DEFAULT, Duration.ofMillis(2));
		Set<Integer> oldRefs = new HashSet<>();
		hv.guest(DOM1).orElseThrow().devices().get(0).ringRefs().forEach(r -> oldRefs.add(r.value()));
		hv.quiesce(DOM1, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		image.devices().forEach(d -> d.grants().forEach(g -> oldRefs.add(g.ref())));
		assertThat(oldRefs).isNotEmpty();
		hv.suspend(DOM1, DEADLINE);
		hv.resume(image, DOM1, DEADLINE, p -> {
		});
		for (GrantHandle h : hv.host.grants.mappingsOf(DomId.DOM0)) {
			assertThat(oldRefs).doesNotContain(h.ref().value());
		}
		DeviceInfo d = hv.guest(DOM1).orElseThrow().devices().get(0);
		assertThat(d.ringRefs()).extracting(GrantRef::value).doesNotContainAnyElementsOf(oldRefs);
		for (int ref : oldRefs) {
			GrantMapResult r = hv.host.grants.map(DomId.DOM0, DOM1, GrantRef.of(ref), true);
			assertThat(r.status()).isEqualTo(Gntst.GNTST_bad_gntref);
		}
	}

	@Test
	void xenstoreShowsTheHandshakeInProtocolOrderOnBothEnds() {
		bootWithWorkload(BlkbackFeatures.LINUX_DEFAULT, Duration.ofMillis(1));
		String fe = "/local/domain/1/device/vbd/51712/state";
		String be = "/local/domain/0/backend/vbd/1/51712/state";
		assertThat(states(fe, be)).containsSubsequence("be:1", "be:2", "fe:3", "be:4", "fe:4");
		hv.host.xenstore.clearHistory();
		cycle(SuspendStrategy.SUSPEND_RESUME);
		assertThat(states(fe, be)).containsSubsequence("fe:5", "be:5", "fe:6", "fe:1", "be:2", "fe:3", "be:4",
				"fe:4");
		hv.host.xenstore.clearHistory();
		hv.detach(DOM1, XVDA, DEADLINE);
		assertThat(states(fe, be)).containsSubsequence("be:5", "fe:6", "be:6");
	}

	private List<String> states(String fe, String be) {
		List<String> out = new ArrayList<>();
		for (XsHistoryEntry e : hv.host.xenstore.history()) {
			if (e.path().equals(fe) && e.value() != null) {
				out.add("fe:" + e.value());
			}
			else if (e.path().equals(be) && e.value() != null) {
				out.add("be:" + e.value());
			}
		}
		return out;
	}

	@Test
	void renegotiatesWhenTheRestoredBackendLacksIndirectAndPersistentGrants() {
		bootWithWorkload(BlkbackFeatures.LINUX_DEFAULT, Duration.ofMillis(3));
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		hv.controls().setBackendFeaturesAfterRestore(DOM1, XVDA, BlkbackFeatures.MINIMAL);
		ResumeReport r = hv.resume(image, DOM1, DEADLINE, p -> {
		});
		assertThat(r.devices().get(0).featuresLost()).anyMatch(f -> f.startsWith("feature-persistent"))
			.anyMatch(f -> f.startsWith("feature-max-indirect-segments"));
		DeviceInfo d = hv.guest(DOM1).orElseThrow().devices().get(0);
		assertThat(d.features()).containsEntry("feature-persistent", "0")
			.containsEntry("feature-max-indirect-segments", "0");
		verifyAndSettle();
		assertThat(counters().duplicated()).isZero();
		assertThat(counters().completed()).isEqualTo(counters().issued());
	}

	@Test
	void aDrainThatMissesItsDeadlineThawsTheGuest() {
		bootWithWorkload(BlkbackFeatures.LINUX_DEFAULT, Duration.ofMillis(500));
		long start = System.nanoTime();
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, Duration.ofMillis(50)))
			.isInstanceOf(org.xso.hypervisor.HypervisorException.class)
			.hasMessageContaining("deadline");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(hv.guest(DOM1).orElseThrow().state()).isEqualTo(org.xso.hypervisor.PowerState.RUNNING);
		hv.host.faults.defaultBlockLatency = Duration.ofMillis(1);
		hv.controls().setBackendLatency(DOM1, XVDA, Duration.ofMillis(1));
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
	}

}
