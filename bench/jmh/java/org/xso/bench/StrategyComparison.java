package org.xso.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.sim.SimHypervisor;
import org.xso.hypervisor.sim.SimProbe;

/**
 * The seed's question answered with data: for each strategy and scenario, {@code cycles} suspend
 * → resume cycles of a guest (1 vbd) whose block workload keeps {@code inFlight} requests
 * outstanding. Per cycle: suspend latency (quiesce + save + destroy), resume latency, the
 * guest-visible I/O stall (last completion before the suspend to the first after the resume),
 * requests drained, shadowed, replayed and re-issued, grant operations, machine frames freed and
 * allocated; at the end the device's lost, duplicated and read-back-mismatch counts.
 *
 * <p>
 * Scenarios: {@code normal} (backend answers after {@code latencyUs}), {@code slowBackend} (after
 * {@code slowMs}: a drain waits on it, a replay does not) and {@code featureLoss} (requests large
 * enough to need indirect descriptors, and the backend offered after each restore has neither
 * indirect descriptors nor persistent grants). Writes {@code strategies.json} and the plot
 * {@code docs/strategy-comparison.png} (or {@code plot=PATH}).
 */
final class StrategyComparison {

	private StrategyComparison() {
	}

	record Scenario(String name, Duration latency, int maxSectors, boolean featureLoss) {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int cycles = Bench.intParam(p, "cycles", 100);
		int inFlight = Bench.intParam(p, "inFlight", 32);
		int latencyUs = Bench.intParam(p, "latencyUs", 50);
		int slowMs = Bench.intParam(p, "slowMs", 20);
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("cycles", cycles);
		params.put("inFlight", inFlight);
		params.put("latencyUs", latencyUs);
		params.put("slowMs", slowMs);
		params.put("stallResolutionUs", CompletionSampler.PERIOD_NANOS / 1000);
		Results results = new Results("strategies", command, params);
		List<Scenario> scenarios = List.of(new Scenario("normal", Duration.ofNanos(latencyUs * 1000L), 8, false),
				new Scenario("slowBackend", Duration.ofMillis(slowMs), 8, false),
				new Scenario("featureLoss", Duration.ofNanos(latencyUs * 1000L), 128, true));
		for (Scenario s : scenarios) {
			for (SuspendStrategy strategy : SuspendStrategy.values()) {
				measure(results.row(), s, strategy, cycles, inFlight);
			}
		}
		results.print();
		Path file = results.write(out);
		Path plot = Path.of(p.getOrDefault("plot", "docs/strategy-comparison.png"));
		StrategyPlot.write(Results.read(file), plot);
		System.out.println("plot: " + plot);
		return file;
	}

	private static void measure(Map<String, Object> row, Scenario s, SuspendStrategy strategy, int cycles,
			int inFlight) throws InterruptedException {
		Stats suspend = new Stats();
		Stats resume = new Stats();
		Stats stall = new Stats();
		Totals t = new Totals();
		try (BenchGuest guest = new BenchGuest(new SimHypervisor(), false, inFlight, s.maxSectors(), s.latency());
				CompletionSampler sampler = new CompletionSampler(
						() -> new SimProbe(guest.hv).blockCompleted(BenchGuest.DOM, BenchGuest.VBD))) {
			SimProbe probe = new SimProbe(guest.hv);
			awaitProgress(probe);
			for (int i = 0; i < cycles; i++) {
				if (s.featureLoss()) {
					guest.controls.setBackendFeaturesAfterRestore(BenchGuest.DOM, BenchGuest.VBD,
							BlkbackFeatures.MINIMAL);
				}
				cycle(guest, probe, sampler, strategy, suspend, resume, stall, t);
			}
			guest.controls.stopWorkload(BenchGuest.DOM);
			DeviceCounters c = counters(guest);
			long mismatches = guest.controls.verifyDisks(BenchGuest.DOM, BenchGuest.DEADLINE).mismatches();
			row.put("scenario", s.name());
			row.put("strategy", strategy.name());
			row.put("backendLatencyMs", s.latency().toNanos() / 1e6);
			row.put("cycles", cycles);
			put(row, "suspend", suspend);
			put(row, "resume", resume);
			put(row, "stall", stall);
			row.put("drainedPerCycle", Stats.round((double) t.drained / cycles));
			row.put("shadowedPerCycle", Stats.round((double) t.shadowed / cycles));
			row.put("replayedPerCycle", Stats.round((double) t.replayed / cycles));
			row.put("reissuedPerCycle", Stats.round((double) t.reissued / cycles));
			row.put("grantsEndedAtSuspendPerCycle", Stats.round((double) t.grantsEnded / cycles));
			row.put("grantsIssuedAtResumePerCycle", Stats.round((double) t.grantsIssued / cycles));
			row.put("backendMapsPerCycle", Stats.round((double) t.maps / cycles));
			row.put("framesFreedAtQuiescePerCycle", Stats.round((double) t.framesFreedAtQuiesce / cycles));
			row.put("framesAllocatedAtResumePerCycle", Stats.round((double) t.framesAllocatedAtResume / cycles));
			row.put("featuresLost", String.join(" ", t.featuresLost));
			row.put("completed", c.completed());
			row.put("lost", c.lost());
			row.put("duplicated", c.duplicated());
			row.put("readBackMismatches", c.verifyFailures() + mismatches);
		}
	}

	private static void put(Map<String, Object> row, String what, Stats s) {
		row.put(what + "P50Ms", Stats.round(s.percentileMs(50)));
		row.put(what + "P95Ms", Stats.round(s.percentileMs(95)));
	}

	/** What the cycles added up to (replayed and re-issued come as running totals: kept as deltas). */
	static final class Totals {

		long drained;

		long shadowed;

		long replayed;

		long reissued;

		long grantsEnded;

		long grantsIssued;

		long maps;

		long framesFreedAtQuiesce;

		long framesAllocatedAtResume;

		long lastReplayed = -1;

		long lastReissued = -1;

		final List<String> featuresLost = new ArrayList<>();

	}

	private static void cycle(BenchGuest guest, SimProbe probe, CompletionSampler sampler,
			SuspendStrategy strategy, Stats suspend, Stats resume, Stats stall, Totals t) {
		SimHypervisor hv = guest.hv;
		int frames0 = probe.framesInUse();
		long maps0 = probe.grantMaps();
		long ended0 = probe.grantsEnded(BenchGuest.DOM);
		long start = System.nanoTime();
		QuiesceReport q = hv.quiesce(BenchGuest.DOM, strategy, BenchGuest.DEADLINE);
		int frames1 = probe.framesInUse();
		long frozenAt = sampler.freeze(probe.blockCompleted(BenchGuest.DOM, BenchGuest.VBD));
		SavedDomain image = hv.save(BenchGuest.DOM, BenchGuest.DEADLINE);
		t.grantsEnded += probe.grantsEnded(BenchGuest.DOM) - ended0;
		hv.suspend(BenchGuest.DOM, BenchGuest.DEADLINE);
		long suspended = System.nanoTime();
		int frames2 = probe.framesInUse();
		ResumeReport r = hv.resume(image, BenchGuest.DOM, BenchGuest.DEADLINE, (phase) -> {
		});
		long resumed = System.nanoTime();
		image.devices().forEach(d -> hv.releaseStorage(d.backendInfo()));
		t.grantsIssued += probe.grantsIssued(BenchGuest.DOM);
		t.maps += probe.grantMaps() - maps0;
		t.framesFreedAtQuiesce += frames0 - frames1;
		t.framesAllocatedAtResume += probe.framesInUse() - frames2;
		suspend.add(suspended - start);
		resume.add(resumed - suspended);
		long first = sampler.firstCompletionAfter(BenchGuest.DEADLINE.toNanos());
		if (first != 0) {
			stall.add(first - frozenAt);
		}
		for (QuiesceReport.Device d : q.devices()) {
			t.drained += d.drained();
			t.shadowed += d.shadowed();
		}
		for (ResumeReport.Device d : r.devices()) {
			t.replayed += (t.lastReplayed < 0) ? d.replayed() : d.replayed() - t.lastReplayed;
			t.reissued += (t.lastReissued < 0) ? d.reissued() : d.reissued() - t.lastReissued;
			t.lastReplayed = d.replayed();
			t.lastReissued = d.reissued();
			d.featuresLost().stream().filter((f) -> !t.featuresLost.contains(f)).forEach(t.featuresLost::add);
		}
	}

	private static void awaitProgress(SimProbe probe) throws InterruptedException {
		long end = System.nanoTime() + BenchGuest.DEADLINE.toNanos();
		while (probe.blockCompleted(BenchGuest.DOM, BenchGuest.VBD) < 100 && System.nanoTime() < end) {
			Thread.sleep(1);
		}
	}

	private static DeviceCounters counters(BenchGuest guest) throws InterruptedException {
		long end = System.nanoTime() + BenchGuest.DEADLINE.toNanos();
		DeviceCounters c;
		do {
			Thread.sleep(5);
			c = guest.hv.guest(BenchGuest.DOM)
				.orElseThrow()
				.devices()
				.stream()
				.filter((d) -> d.id().equals(BenchGuest.VBD))
				.map(DeviceInfo::counters)
				.findFirst()
				.orElseThrow();
		}
		while (c.inFlight() > 0 && System.nanoTime() < end);
		return c;
	}

}
