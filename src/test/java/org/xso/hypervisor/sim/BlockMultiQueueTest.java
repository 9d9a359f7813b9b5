package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ShadowEntry;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.grant.GrantHandle;
import org.xso.xen.grant.GrantMapResult;
import org.xso.xen.grant.Gntst;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsHistoryEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Multi-queue blkif ({@code multi-queue-max-queues} / {@code multi-queue-num-queues}): the per-queue
 * xenstore layout, a block workload spread over the queues across suspend and resume under both
 * strategies, and a restore onto a backend with fewer queues, which renegotiates and re-splits the
 * shadowed requests over the queues it now has.
 */
class BlockMultiQueueTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private static final String FE = "/local/domain/1/device/vbd/51712";

	private static final String BE = "/local/domain/0/backend/vbd/1/51712";

	/** Four queues of four-page rings (blkfront's max_ring_page_order caps the order at 2). */
	private static final BlkbackFeatures FOUR_QUEUES = BlkbackFeatures.LINUX_DEFAULT;

	/** Four queues of one-page rings: each queue has a {@code queue-<i>/ring-ref}. */
	private static final BlkbackFeatures FOUR_QUEUES_ONE_PAGE = new BlkbackFeatures(true, 32, true, true, 0, 4);

	private final SimHypervisor hv = new SimHypervisor();

	private final XsConnection dom0 = hv.host.xenstore.connect(DomId.DOM0);

	@AfterEach
	void close() {
		hv.close();
	}

	private DeviceInfo boot(BlkbackFeatures features, Duration latency, boolean workload) {
		return boot(features, latency, workload, 4);
	}

	private DeviceInfo boot(BlkbackFeatures features, Duration latency, boolean workload, int vcpus) {
		hv.host.faults.defaultBlockLatency = latency;
		hv.create(Optional.of(DOM1), new GuestSpec("guest1", 256, vcpus,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 1 << 20, 512, features))), DEADLINE);
		if (workload) {
			hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 24, 2048, false, 1));
		}
		return device();
	}

	private DeviceInfo device() {
		return hv.guest(DOM1).orElseThrow().devices().get(0);
	}

	private void assertAllDoneExactlyOnce() {
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		// a verify leaves the workload running: stop it and let what is in flight complete
		hv.controls().stopWorkload(DOM1);
		await().atMost(DEADLINE).until(() -> device().counters().inFlight() == 0);
		DeviceCounters c = device().counters();
		assertThat(c.duplicated()).as("duplicated").isZero();
		assertThat(c.lost()).as("lost").isZero();
		assertThat(c.inFlight()).isZero();
		assertThat(c.completed()).isEqualTo(c.issued());
		long[] wc = hv.host.guest(DOM1).blockWorkload(XVDA).counters();
		assertThat(wc[2]).as("duplicated completions").isZero();
		assertThat(wc[3]).as("errors").isZero();
		assertThat(wc[4]).as("verify failures").isZero();
		assertThat(wc[5]).as("verified reads").isPositive();
	}

	@Test
	void usesNoMoreQueuesThanTheGuestHasVcpus() {
		DeviceInfo d = boot(FOUR_QUEUES, Duration.ZERO, false, 1);
		assertThat(dom0.read(BE + "/multi-queue-max-queues")).isEqualTo("4");
		assertThat(dom0.tryRead(FE + "/multi-queue-num-queues")).isEmpty();
		assertThat(dom0.read(FE + "/ring-ref0")).isEqualTo(d.ringRefs().get(0).toString());
		assertThat(dom0.read(FE + "/event-channel")).isEqualTo(d.evtchns().get(0).toString());
		assertThat(d.evtchns()).hasSize(1);
	}

	@Test
	void usesAQueuePerVcpuUpToWhatTheBackendOffers() {
		boot(FOUR_QUEUES, Duration.ZERO, false, 2);
		assertThat(dom0.read(FE + "/multi-queue-num-queues")).isEqualTo("2");
		assertThat(dom0.tryRead(FE + "/queue-1/event-channel")).isPresent();
		assertThat(dom0.tryRead(FE + "/queue-2/event-channel")).isEmpty();
	}

	@Test
	void connectsWithPerQueueRingRefsAndEventChannels() {
		DeviceInfo d = boot(FOUR_QUEUES, Duration.ZERO, false);
		assertThat(d.connected()).isTrue();
		assertThat(dom0.read(BE + "/multi-queue-max-queues")).isEqualTo("4");
		assertThat(dom0.read(FE + "/multi-queue-num-queues")).isEqualTo("4");
		assertThat(dom0.read(FE + "/ring-page-order")).isEqualTo("2");
		assertThat(d.features()).containsEntry("multi-queue-num-queues", "4").containsEntry("ring-page-order", "2");
		// no legacy keys at the top level
		assertThat(dom0.tryRead(FE + "/ring-ref")).isEmpty();
		assertThat(dom0.tryRead(FE + "/ring-ref0")).isEmpty();
		assertThat(dom0.tryRead(FE + "/event-channel")).isEmpty();
		assertThat(d.ringRefs()).hasSize(16).doesNotHaveDuplicates();
		assertThat(d.evtchns()).hasSize(4).doesNotHaveDuplicates();
		List<GrantRef> published = new ArrayList<>();
		List<EvtchnPort> ports = new ArrayList<>();
		for (int q = 0; q < 4; q++) {
			for (int i = 0; i < 4; i++) {
				published.add(GrantRef.of(Integer.parseInt(dom0.read(FE + "/queue-" + q + "/ring-ref" + i))));
			}
			assertThat(dom0.tryRead(FE + "/queue-" + q + "/ring-ref")).isEmpty();
			ports.add(EvtchnPort.of(Integer.parseInt(dom0.read(FE + "/queue-" + q + "/event-channel"))));
		}
		assertThat(dom0.tryRead(FE + "/queue-4/event-channel")).isEmpty();
		assertThat(published).containsExactlyElementsOf(d.ringRefs());
		assertThat(ports).containsExactlyElementsOf(d.evtchns());
		// the backend mapped every page of every queue
		Set<Integer> mapped = new HashSet<>();
		hv.host.grants.mappingsOf(DomId.DOM0).forEach(h -> mapped.add(h.ref().value()));
		assertThat(mapped).containsAll(published.stream().map(GrantRef::value).toList());
	}

	@Test
	void oneRingPagePerQueueIsPublishedAsQueueRingRef() {
		DeviceInfo d = boot(FOUR_QUEUES_ONE_PAGE, Duration.ZERO, false);
		assertThat(d.connected()).isTrue();
		assertThat(dom0.tryRead(FE + "/ring-page-order")).isEmpty();
		assertThat(d.ringRefs()).hasSize(4);
		for (int q = 0; q < 4; q++) {
			assertThat(dom0.read(FE + "/queue-" + q + "/ring-ref")).isEqualTo(d.ringRefs().get(q).toString());
			assertThat(dom0.read(FE + "/queue-" + q + "/event-channel")).isEqualTo(d.evtchns().get(q).toString());
		}
	}

	@Test
	void aBackendWithoutMultiQueueGetsTheLegacyLayout() {
		DeviceInfo d = boot(BlkbackFeatures.MINIMAL, Duration.ZERO, false);
		assertThat(dom0.tryRead(BE + "/multi-queue-max-queues")).isEmpty();
		assertThat(dom0.tryRead(FE + "/multi-queue-num-queues")).isEmpty();
		assertThat(dom0.tryRead(FE + "/queue-0/event-channel")).isEmpty();
		assertThat(dom0.read(FE + "/ring-ref")).isEqualTo(d.ringRefs().get(0).toString());
		assertThat(dom0.read(FE + "/event-channel")).isEqualTo(d.evtchns().get(0).toString());
		assertThat(d.evtchns()).hasSize(1);
		assertThat(d.features()).containsEntry("multi-queue-num-queues", "1");
	}

	@Test
	void xenstoreShowsTheMultiQueueHandshakeInProtocolOrder() {
		boot(FOUR_QUEUES, Duration.ofMillis(1), true);
		List<String> h = handshake();
		assertThat(h).containsSubsequence("be:1", "be:max-queues", "be:2", "fe:num-queues", "fe:3", "be:4",
				"fe:4");
		// every per-queue key is written before Initialised, and the backend reads none before
		int initialised = h.indexOf("fe:3");
		for (int q = 0; q < 4; q++) {
			assertThat(h.indexOf("fe:queue-" + q + "/event-channel")).isBetween(0, initialised);
			assertThat(h.indexOf("fe:queue-" + q + "/ring-ref3")).isBetween(0, initialised);
		}
		hv.host.xenstore.clearHistory();
		cycle(SuspendStrategy.SUSPEND_RESUME);
		assertThat(handshake()).containsSubsequence("fe:5", "be:5", "fe:6", "fe:1", "be:2", "fe:num-queues", "fe:3",
				"be:4", "fe:4");
	}

	/** The xenstore history of the device reduced to states and multi-queue keys, in order. */
	private List<String> handshake() {
		List<String> out = new ArrayList<>();
		for (XsHistoryEntry e : hv.host.xenstore.history()) {
			if (e.value() == null) {
				continue;
			}
			if (e.path().equals(FE + "/state")) {
				out.add("fe:" + e.value());
			}
			else if (e.path().equals(BE + "/state")) {
				out.add("be:" + e.value());
			}
			else if (e.path().equals(BE + "/multi-queue-max-queues")) {
				out.add("be:max-queues");
			}
			else if (e.path().equals(FE + "/multi-queue-num-queues")) {
				out.add("fe:num-queues");
			}
			else if (e.path().startsWith(FE + "/queue-")) {
				out.add("fe:" + e.path().substring(FE.length() + 1));
			}
		}
		return out;
	}

	private ResumeReport cycle(SuspendStrategy strategy) {
		hv.quiesce(DOM1, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		return hv.resume(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), DOM1, DEADLINE, p -> {
		});
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void completesEveryRequestExactlyOnceAcrossCyclesOnFourQueues(SuspendStrategy strategy) {
		boot(FOUR_QUEUES, Duration.ofMillis(1), true);
		SplittableRandom random = new SplittableRandom(7);
		long replayed = 0;
		for (int i = 0; i < 200; i++) {
			java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(2_000_000));
			QuiesceReport q = hv.quiesce(DOM1, strategy, DEADLINE);
			SavedDomain image = hv.save(DOM1, DEADLINE);
			DeviceSavedState saved = image.devices().get(0);
			if (strategy == SuspendStrategy.SHADOW_REPLAY) {
				assertThat(saved.rings()).extracting(RingSnapshot::name)
					.containsExactly("queue-0", "queue-1", "queue-2", "queue-3");
				assertThat(saved.evtchnPorts()).hasSize(4);
				assertThat(q.devices().get(0).shadowed()).isEqualTo(saved.shadow().size());
			}
			else {
				assertThat(saved.rings()).isEmpty();
				assertThat(saved.shadow()).isEmpty();
			}
			hv.suspend(DOM1, DEADLINE);
			ResumeReport r = hv.resume(SavedDomain.fromCanonicalBytes(image.canonicalBytes()), DOM1, DEADLINE, p -> {
			});
			replayed += r.devices().get(0).replayed();
			assertThat(r.devices().get(0).featuresLost()).isEmpty();
			assertThat(r.devices().get(0).refsAfter()).hasSize(16);
		}
		assertAllDoneExactlyOnce();
		if (strategy == SuspendStrategy.SHADOW_REPLAY) {
			assertThat(replayed).as("requests replayed from the shadows").isPositive();
		}
		else {
			assertThat(replayed).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void spreadsTheWorkloadOverEveryQueueAndSavesEachRing(SuspendStrategy strategy) {
		boot(FOUR_QUEUES, Duration.ofMillis(3), true);
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		DeviceSavedState saved = image.devices().get(0);
		assertThat(saved.rings()).hasSize(4);
		for (RingSnapshot r : saved.rings()) {
			assertThat(r.reqProd()).as("requests produced on " + r.name()).isPositive();
			assertThat(r.refs()).hasSize(4);
		}
		// the canonical encoding of the saved device holds every queue and is stable
		assertThat(DeviceSavedState.fromCanonicalBytes(saved.canonicalBytes())).isEqualTo(saved);
		assertThat(DeviceSavedState.fromCanonicalBytes(saved.canonicalBytes()).sha256()).isEqualTo(saved.sha256());
		hv.suspend(DOM1, DEADLINE);
		hv.resume(image, DOM1, DEADLINE, p -> {
		});
		cycle(strategy);
		assertAllDoneExactlyOnce();
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void refsFromBeforeTheSuspendNeverMapAfterTheRestore(SuspendStrategy strategy) {
		DeviceInfo before = boot(FOUR_QUEUES, Duration.ofMillis(2), true);
		Set<Integer> oldRefs = new HashSet<>();
		before.ringRefs().forEach(r -> oldRefs.add(r.value()));
		assertThat(oldRefs).hasSize(16);
		hv.quiesce(DOM1, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		image.devices().forEach(d -> d.grants().forEach(g -> oldRefs.add(g.ref())));
		hv.suspend(DOM1, DEADLINE);
		hv.resume(image, DOM1, DEADLINE, p -> {
		});
		for (GrantHandle h : hv.host.grants.mappingsOf(DomId.DOM0)) {
			assertThat(oldRefs).doesNotContain(h.ref().value());
		}
		DeviceInfo d = device();
		assertThat(d.ringRefs()).hasSize(16).extracting(GrantRef::value).doesNotContainAnyElementsOf(oldRefs);
		for (int ref : oldRefs) {
			GrantMapResult r = hv.host.grants.map(DomId.DOM0, DOM1, GrantRef.of(ref), true);
			assertThat(r.status()).isEqualTo(Gntst.GNTST_bad_gntref);
		}
		assertAllDoneExactlyOnce();
	}

	static Stream<Arguments> fewerQueues() {
		return Stream.of(Arguments.of(BlkbackFeatures.MINIMAL, 1),
				Arguments.of(new BlkbackFeatures(true, 32, true, true, 4), 1),
				Arguments.of(new BlkbackFeatures(true, 32, true, true, 4, 2), 2));
	}

	@ParameterizedTest
	@MethodSource("fewerQueues")
	void aRestoreOntoFewerQueuesRenegotiatesAndResubmitsEveryShadowedRequestOnce(BlkbackFeatures after,
			int queues) {
		boot(FOUR_QUEUES, Duration.ofMillis(3), true);
		QuiesceReport q = hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		List<ShadowEntry> shadow = image.devices().get(0).shadow();
		assertThat(q.devices().get(0).shadowed()).isEqualTo(shadow.size()).isPositive();
		Set<Long> shadowedTags = new HashSet<>();
		shadow.forEach(s -> shadowedTags.add(s.tag()));
		assertThat(image.devices().get(0).rings()).hasSize(4);
		hv.suspend(DOM1, DEADLINE);
		hv.controls().setBackendFeaturesAfterRestore(DOM1, XVDA, after);
		hv.host.xenstore.clearHistory();
		ResumeReport r = hv.resume(image, DOM1, DEADLINE, p -> {
		});
		ResumeReport.Device rd = r.devices().get(0);
		assertThat(rd.featuresLost()).contains("multi-queue-num-queues 4->" + queues);
		assertThat(rd.replayed()).as("shadowed bios resubmitted").isEqualTo(shadowedTags.size());
		DeviceInfo d = device();
		assertThat(d.connected()).isTrue();
		assertThat(d.features()).containsEntry("multi-queue-num-queues", Integer.toString(queues));
		assertThat(d.evtchns()).hasSize(queues);
		if (queues == 1) {
			assertThat(dom0.tryRead(FE + "/multi-queue-num-queues")).isEmpty();
			for (int i = 0; i < 4; i++) {
				assertThat(dom0.tryRead(FE + "/queue-" + i + "/event-channel")).isEmpty();
			}
			assertThat(dom0.read(FE + "/event-channel")).isEqualTo(d.evtchns().get(0).toString());
			String firstRef = dom0.tryRead(FE + "/ring-ref").orElseGet(() -> dom0.read(FE + "/ring-ref0"));
			assertThat(firstRef).isEqualTo(d.ringRefs().get(0).toString());
			assertThat(handshake()).doesNotContain("fe:num-queues");
		}
		else {
			assertThat(dom0.read(FE + "/multi-queue-num-queues")).isEqualTo(Integer.toString(queues));
			assertThat(dom0.tryRead(FE + "/event-channel")).isEmpty();
			assertThat(dom0.tryRead(FE + "/queue-" + queues + "/event-channel")).isEmpty();
		}
		assertAllDoneExactlyOnce();
	}

}
