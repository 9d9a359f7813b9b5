package org.xso.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark suites' entry point (test sources: kept out of the production jar). The first
 * argument names a suite, the rest are {@code key=value} parameters; anything else goes to JMH's
 * own command line, so {@code -Djmh.args="RingThroughput -f 1"} keeps working.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="jmh"           JMH micro-benchmarks
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="strategies"    the strategy comparison and its plot
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="load db=h2"    the HTTP load driver (also db=postgres)
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="checkpoints"   continuous checkpointing over HTTP
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="peer"          libvirt's test driver side by side
 * ./mvnw -Pbench test-compile exec:exec -Dbench.args="report"        docs/performance.md and the plot from the results
 * </pre>
 *
 * Every suite prints a table and writes {@code bench/results/<suite>.json} (or {@code out=DIR}).
 * See {@code bench/README.md}.
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0 || args[0].startsWith("-") || !isSuite(args[0])) {
			org.openjdk.jmh.Main.main(args);
			return;
		}
		Map<String, String> params = params(Arrays.copyOfRange(args, 1, args.length));
		String command = "./mvnw -Pbench test-compile exec:exec -Dbench.args=\"" + String.join(" ", args) + "\"";
		run(args[0], params, command);
		System.exit(0);
	}

	static boolean isSuite(String name) {
		return switch (name) {
			case "jmh", "strategies", "load", "checkpoints", "fleet", "peer", "report" -> true;
			default -> false;
		};
	}

	/** Runs one suite and returns the file it wrote. */
	static Path run(String suite, Map<String, String> params, String command) throws Exception {
		Path out = Path.of(params.getOrDefault("out", "bench/results"));
		return switch (suite) {
			case "jmh" -> JmhSuite.run(params, command, out);
			case "strategies" -> StrategyComparison.run(params, command, out);
			case "peer" -> PeerRun.run(params, command, out);
			case "load" -> LoadDriver.run(params, command, out);
			case "checkpoints" -> CheckpointDriver.run(params, command, out);
			case "fleet" -> FleetDriver.run(params, command, out);
			case "report" -> PerformanceReport.run(params, out);
			default -> throw new IllegalArgumentException("unknown suite: " + suite);
		};
	}

	static Map<String, String> params(String[] args) {
		Map<String, String> p = new LinkedHashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq <= 0) {
				throw new IllegalArgumentException("parameters are key=value: " + a);
			}
			p.put(a.substring(0, eq), a.substring(eq + 1));
		}
		return p;
	}

	static int intParam(Map<String, String> p, String key, int dflt) {
		return p.containsKey(key) ? Integer.parseInt(p.get(key)) : dflt;
	}

}
