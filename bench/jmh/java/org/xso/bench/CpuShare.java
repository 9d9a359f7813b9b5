package org.xso.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the machine's CPU went during a run of a service started in this JVM: its threads grouped
 * by what they do (by the names the service gives them), the rest of this JVM, and what ran outside
 * it (the database server, anything else on the machine), each as a share of the machine's capacity
 * (cores times the run's wall time). A thread that ended during the run is counted with "JVM
 * without a named thread"; one that started during it from zero.
 *
 * <p>
 * Snapshots are taken and compared on the driver's thread.
 */
final class CpuShare {

	/** Thread-name prefixes and the group each belongs to; the first that matches. */
	private static final List<Map.Entry<String, String>> GROUPS = List.of(
			Map.entry("xen-driver", "simulated guests (front ends, back ends, workloads)"),
			Map.entry("xen-timer", "simulated guests (front ends, back ends, workloads)"),
			Map.entry("xso-periodic-", "schedules (quiesce, capture, thaw)"),
			Map.entry("xso-epoch-writer-", "epoch writers"),
			Map.entry("xso-event", "event log"),
			Map.entry("xso-op-", "operation workers"),
			Map.entry("xso-handshake-", "operation workers"),
			Map.entry("http-nio", "HTTP requests"),
			Map.entry("pool-", "benchmark clients"),
			Map.entry("HttpClient", "benchmark clients"));

	static final String GUESTS = GROUPS.get(0).getValue();

	/** The CPU time of every live thread, this process's and the machine's, at one instant. */
	record Snapshot(long wallNanos, Map<Long, Long> threadCpu, Map<Long, String> threadName, long processCpuNanos,
			long machineBusyTicks, long machineTotalTicks) {
	}

	private CpuShare() {
	}

	static Snapshot take() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<Long, Long> cpu = new HashMap<>();
		Map<Long, String> names = new HashMap<>();
		for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (t == null) {
				continue;
			}
			long ns = threads.getThreadCpuTime(t.getThreadId());
			if (ns >= 0) {
				cpu.put(t.getThreadId(), ns);
				names.put(t.getThreadId(), t.getThreadName());
			}
		}
		long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		long[] machine = machineTicks();
		return new Snapshot(System.nanoTime(), cpu, names, process, machine[0], machine[1]);
	}

	/**
	 * Percent of the machine's capacity per group between two snapshots, largest first, then this
	 * JVM's remainder, what ran outside it and what stayed idle.
	 */
	static Map<String, Object> between(Snapshot a, Snapshot b) {
		int cores = Runtime.getRuntime().availableProcessors();
		double capacity = (double) (b.wallNanos() - a.wallNanos()) * cores;
		Map<String, Long> byGroup = new HashMap<>();
		long named = 0;
		for (Map.Entry<Long, Long> e : b.threadCpu().entrySet()) {
			long used = e.getValue() - a.threadCpu().getOrDefault(e.getKey(), 0L);
			String name = b.threadName().get(e.getKey());
			String group = GROUPS.stream()
				.filter(g -> name.startsWith(g.getKey()))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse("other service threads");
			byGroup.merge(group, used, Long::sum);
			named += used;
		}
		Map<String, Object> share = new LinkedHashMap<>();
		byGroup.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.forEach(e -> share.put(e.getKey(), percent(e.getValue(), capacity)));
		long process = b.processCpuNanos() - a.processCpuNanos();
		share.put("JVM without a named thread (GC, JIT, ended threads)", percent(Math.max(0, process - named), capacity));
		long total = b.machineTotalTicks() - a.machineTotalTicks();
		if (total > 0) {
			double busy = (double) (b.machineBusyTicks() - a.machineBusyTicks()) / total;
			double jvm = process / capacity;
			share.put("outside this JVM (database server, the rest of the machine)",
					Stats.round(Math.max(0, busy - jvm) * 100));
			share.put("idle", Stats.round((1 - busy) * 100));
		}
		return share;
	}

	/** The percent of the machine's capacity the simulated guests' threads took in a share. */
	static double guests(Map<String, Object> share) {
		return share.get(GUESTS) instanceof Number n ? n.doubleValue() : 0;
	}

	private static double percent(long nanos, double capacity) {
		return Stats.round(nanos * 100 / capacity);
	}

	/** Busy and total ticks of all cores since boot, from /proc/stat ({0, 0} where there is none). */
	private static long[] machineTicks() {
		try {
			String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < f.length; i++) {
				total += Long.parseLong(f[i]);
			}
			// user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait are not busy,
			// guest time is already in user
			long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
			long guest = f.length > 10 ? Long.parseLong(f[9]) + Long.parseLong(f[10]) : 0;
			return new long[] { total - guest - idle, total - guest };
		}
		catch (IOException | RuntimeException e) {
			return new long[] { 0, 0 };
		}
	}

}
