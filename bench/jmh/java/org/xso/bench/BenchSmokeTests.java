package org.xso.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xso.support.PostgresDatabase;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every suite of {@code bench/} runs here with tiny parameters (seconds, not minutes), so the
 * harness cannot rot: each writes its result file with the machine, rows and targets, and the
 * invariants hold (nothing lost, duplicated or mismatched; every operation succeeded). These are
 * not measurements: the figures come from the documented commands. Each suite runs on a thread of
 * its own and fails after two minutes, even where it spins, so a stuck suite fails the build with
 * a thread dump instead of holding it.
 */
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class BenchSmokeTests {

	@TempDir
	Path dir;

	private JsonNode run(String suite, String... params) throws Exception {
		Map<String, String> p = new LinkedHashMap<>(Bench.params(params));
		p.put("out", this.dir.toString());
		return Results.read(Bench.run(suite, p, "smoke " + suite));
	}

	@Test
	void jmhSuiteRunsEveryBenchmarkAndChecksTheRingAndGuestTargets() throws Exception {
		JsonNode r = run("jmh", "forks=0", "warmups=0", "iterations=1", "seconds=0.05");
		List<String> names = new ArrayList<>();
		r.path("rows").forEach((row) -> names.add(row.path("benchmark").asText()));
		assertThat(names).contains("RingThroughputBenchmark.allocationFree", "XenstoreBenchmark.watchFire",
				"GrantBenchmark.grantMapUnmapEnd", "DeviceCycleBenchmark.suspendResume",
				"GuestCycleBenchmark.suspendResume", "GuestCycleBenchmark.liveCheckpoint");
		assertThat(r.path("rows")).allSatisfy((row) -> assertThat(row.path("score").asDouble()).isPositive());
		assertThat(r.path("rows").findValues("inFlight")).extracting(JsonNode::asText).contains("0", "8", "32");
		assertThat(r.path("targets").findValues("name")).extracting(JsonNode::asText)
			.anyMatch((n) -> n.startsWith("ring"))
			.anyMatch((n) -> n.startsWith("1 vbd + 1 vif"));
		assertThat(r.path("machine").path("cores").asInt()).isPositive();
	}

	@Test
	void strategyComparisonCoversBothStrategiesInEveryScenarioLosesNothingAndDrawsThePlot() throws Exception {
		Path plot = this.dir.resolve("plot.png");
		JsonNode r = run("strategies", "cycles=3", "slowMs=5", "plot=" + plot);
		assertThat(r.path("rows")).hasSize(6);
		assertThat(r.path("rows")).allSatisfy((row) -> {
			assertThat(row.path("lost").asLong()).isZero();
			assertThat(row.path("duplicated").asLong()).isZero();
			assertThat(row.path("readBackMismatches").asLong()).isZero();
			assertThat(row.path("suspendP50Ms").asDouble()).isPositive();
			assertThat(row.path("resumeP50Ms").asDouble()).isPositive();
		});
		JsonNode shadow = r.path("rows").get(0);
		JsonNode callbacks = r.path("rows").get(1);
		assertThat(shadow.path("drainedPerCycle").asDouble()).isZero();
		assertThat(callbacks.path("shadowedPerCycle").asDouble()).isZero();
		assertThat(callbacks.path("drainedPerCycle").asDouble()).isPositive();
		assertThat(r.path("rows").get(4).path("featuresLost").asText()).contains("feature-persistent");
		BufferedImage image = ImageIO.read(plot.toFile());
		assertThat(image.getWidth()).isEqualTo(StrategyPlot.WIDTH);
	}

	@Test
	void peerRunSaysPlainlyWhenVirshIsMissingAndStillTimesTheSimulator() throws Exception {
		JsonNode r = run("peer", "cycles=3", "virsh=" + this.dir.resolve("no-virsh"));
		assertThat(r.path("peer").asText()).contains("virsh not found");
		assertThat(r.path("rows")).hasSize(3).allSatisfy((row) -> {
			assertThat(row.path("simulatorMeanMs").asDouble()).isPositive();
			assertThat(row.path("p50Ratio").asText()).isEqualTo("NaN");
		});
		assertThat(r.path("targets")).isEmpty();
	}

	@Test
	void peerRunTimesVirshWhereItIsInstalled() throws Exception {
		org.junit.jupiter.api.Assumptions.assumeTrue(PeerRun.version("virsh").isPresent(), "virsh not installed");
		JsonNode r = run("peer", "cycles=3");
		assertThat(r.path("rows")).allSatisfy((row) -> assertThat(row.path("peerMeanMs").asDouble()).isPositive());
		assertThat(r.path("targets")).hasSize(2);
		// a session virsh stopped answering in was killed and another continued it
		assertThat(r.path("virshSessionsStarted").asInt()).isEqualTo(r.path("virshSessionsHung").asInt() + 1);
	}

	@Test
	void peerRunContinuesInANewSessionWhenVirshStopsAnsweringMidSession() throws Exception {
		// a stand-in for virsh that times every command, except that its first session goes silent
		// at the second cycle's save, as virsh 9.0's save sometimes does
		Path virsh = this.dir.resolve("virsh");
		Files.writeString(virsh, """
				#!/bin/sh
				[ "$1" = "--version" ] && { echo 9.0.0; exit 0; }
				sessions="$(dirname "$0")/sessions"
				n=$(( $(cat "$sessions" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$sessions"
				i=0
				while read -r command; do
				  [ "$command" = quit ] && exit 0
				  i=$((i + 1))
				  [ "$n" = 1 ] && [ "$i" = 3 ] && exec sleep 600
				  echo "(Time: 0.250 ms)"
				done
				""");
		assertThat(virsh.toFile().setExecutable(true)).isTrue();
		JsonNode r = run("peer", "cycles=3", "virsh=" + virsh, "answerLimitMs=3000");
		assertThat(r.path("virshSessionsHung").asInt()).isPositive();
		assertThat(r.path("virshSessionsStarted").asInt()).isEqualTo(r.path("virshSessionsHung").asInt() + 1);
		// every cycle timed whole: save + restore of 0.25 ms each
		assertThat(r.path("rows")).hasSize(3).allSatisfy((row) -> {
			assertThat(row.path("peerMeanMs").asDouble()).isEqualTo(0.5);
			assertThat(row.path("p50Ratio").asDouble())
				.isEqualTo(Stats.round(row.path("simulatorP50Ms").asDouble() / row.path("peerP50Ms").asDouble()), within(0.003));
		});
		assertThat(r.path("targets").findValues("note")).extracting(JsonNode::asText)
			.containsExactly("best strategy's mean over the peer's mean, same run",
					"best strategy's p50 over the peer's p50, same run");
	}

	@Test
	void loadDriverOnH2SuspendsAndResumesEveryGuestWithNothingLost() throws Exception {
		JsonNode r = run("load", "db=h2", "guests=3", "cycles=3", "warmupSeconds=0", "concurrency=3");
		assertLoad(r, 3);
		// the report shows the database work of a result that has it, and nothing for one from before it was counted
		tools.jackson.databind.node.ObjectNode old = (tools.jackson.databind.node.ObjectNode) r.deepCopy();
		old.put("suite", "load-h2-before");
		old.remove("databaseWork");
		Results.JSON.writeValue(this.dir.resolve("load-h2-before.json").toFile(), old);
		Path readme = this.dir.resolve("performance.md");
		Files.writeString(readme, "# p\n\n## Figures\n");
		Bench.run("report", Map.of("out", this.dir.toString(), "readme", readme.toString(), "notes",
				this.dir.resolve("none.md").toString(), "plot", this.dir.resolve("p.png").toString()), "smoke report");
		String text = Files.readString(readme);
		assertThat(text).contains("(`load-h2-before`)", "| origin | statement | perCycle | perSuspend | perResume |",
				"| worker | update operations |", "| event writer | insert event_log |");
		assertThat(text.split("Database work, counted", -1)).hasSize(2);
		assertThat(text.indexOf("Database work, counted")).isGreaterThan(text.indexOf("(`load-h2`)"));
	}

	@Test
	void loadDriverOnPostgresSuspendsAndResumesEveryGuestWithNothingLost() throws Exception {
		PostgresDatabase.Server pg = PostgresDatabase.server();
		// the single guest's cycles ask for the finished operation in the answer (Prefer: wait=30)
		JsonNode r = run("load", "db=postgres", "guests=3", "cycles=2", "warmupSeconds=0", "concurrency=3",
				"poll=prefer", "pgUrl=" + pg.url(), "pgUser=" + pg.user(), "pgPassword=" + pg.password());
		assertThat(r.path("service").asText()).startsWith("PostgreSQL");
		assertThat(r.path("parameters").path("poll").asText()).isEqualTo("prefer");
		assertLoad(r, 3);
	}

	@Test
	void fleetDriverAsksBothInstancesEveryCheckpointRunsOnTheGuestsHostAndMovesGoBothWays() throws Exception {
		PostgresDatabase.Server pg = PostgresDatabase.server();
		JsonNode r = run("fleet", "guests=1", "cycles=3", "moves=3", "warmupSeconds=0", "pgUrl=" + pg.url(),
				"pgUser=" + pg.user(), "pgPassword=" + pg.password());
		JsonNode rows = r.path("rows");
		assertThat(rows.get(0).path("operations").asInt()).isEqualTo(3);
		assertThat(rows.get(1).path("operations").asInt()).isEqualTo(3);
		assertThat(rows.get(1).path("run").asText()).contains("host-b");
		assertThat(rows.get(1).path("acceptedToStartedP50Ms").asDouble()).isPositive();
		// the moves, and each of a move's eleven phases on its host
		assertThat(rows.get(2).path("run").asText()).contains("moves");
		assertThat(rows.get(2).path("operations").asInt()).isEqualTo(3);
		assertThat(rows.get(2).path("handOverToTargetStartP50Ms").asDouble()).isPositive();
		assertThat(rows.findValues("phaseP50Ms")).hasSize(11);
		assertThat(rows.get(3).path("run").asText()).contains("QUIESCE (source)");
		assertThat(rows.get(13).path("run").asText()).contains("VERIFY (target)");
	}

	private static void assertLoad(JsonNode r, int guests) {
		assertThat(r.path("lostRequests").asLong()).isZero();
		assertThat(r.path("duplicatedRequests").asLong()).isZero();
		assertThat(r.path("readBackMismatches").asLong()).isZero();
		assertThat(r.path("failedOperations").asLong()).isZero();
		assertThat(r.path("guestsNotReadable").asLong()).isZero();
		assertThat(r.path("concurrentGuests").asInt()).isEqualTo(guests);
		assertThat(r.path("completedRequests").asLong()).isPositive();
		assertThat(r.path("rows").findValues("operation")).extracting(JsonNode::asText)
			.contains("CREATE", "SUSPEND", "RESUME", "SUSPEND+RESUME");
		assertThat(r.path("rows").findValues("phaseP50Ms")).anySatisfy((phases) -> assertThat(phases.has("QUIESCE")).isTrue());
		List<String> targets = r.path("targets").findValues("name").stream().map(JsonNode::asText).toList();
		if (r.path("service").asText().startsWith("PostgreSQL")) {
			// PostgreSQL's latency target is the p50's alone (<= 10 ms), then the cycle's database work
			assertThat(targets).hasSize(3).first().asString().contains("on PostgreSQL").endsWith("p50");
		}
		else {
			assertThat(targets).hasSize(4).first().asString().endsWith("p50");
			assertThat(targets.get(1)).endsWith("p99");
		}
		assertDatabaseWork(r);
	}

	/**
	 * The service started in process counted its database work: a cycle and each concurrent
	 * operation took transactions and statements, and the breakdown by thread, verb and table adds
	 * up to the totals (each figure is per cycle or operation, rounded to 3 decimals).
	 */
	private static void assertDatabaseWork(JsonNode r) {
		JsonNode work = r.path("databaseWork");
		assertThat(work.propertyNames()).containsExactly("latency", "concurrentSuspend", "concurrentResume");
		for (JsonNode window : work) {
			assertThat(window.path("transactions").asDouble()).isPositive();
			assertThat(window.path("statements").asDouble()).isPositive();
			assertThat(window.path("statementsOnPath").asDouble()).isPositive()
				.isLessThanOrEqualTo(window.path("statements").asDouble());
			assertThat(window.path("transactions").asDouble()).isCloseTo(window.path("commits").asDouble()
					+ window.path("rollbacks").asDouble() + window.path("autoCommitExecutions").asDouble(), within(0.01));
			double statements = 0;
			double transactions = 0;
			int figures = 0;
			for (JsonNode origin : window.path("byOrigin")) {
				transactions += origin.path("transactions").asDouble();
				for (JsonNode n : origin.path("byStatement")) {
					statements += n.asDouble();
					figures++;
				}
			}
			assertThat(statements).isCloseTo(window.path("statements").asDouble(), within(0.001 * (figures + 1)));
			assertThat(transactions).isCloseTo(window.path("transactions").asDouble(), within(0.01));
			assertThat(window.path("byOrigin").propertyNames()).contains(DatabaseWork.REQUEST, DatabaseWork.WORKER);
		}
		JsonNode latency = work.path("latency");
		assertThat(latency.path("count").asInt()).isEqualTo(r.path("parameters").path("cycles").asInt());
		assertThat(latency.path("byOrigin").path(DatabaseWork.WORKER).path("byStatement").propertyNames())
			.contains("update operations");
		JsonNode cycle = r.path("rows").findParents("operation").stream()
			.filter((row) -> row.path("operation").asText().equals("SUSPEND+RESUME"))
			.findFirst()
			.orElseThrow();
		assertThat(cycle.path("dbStatements").asDouble()).isEqualTo(latency.path("statements").asDouble());
		assertThat(cycle.path("dbTxOnPath").asDouble()).isEqualTo(latency.path("transactionsOnPath").asDouble());
		JsonNode statementsTarget = r.path("targets").findParents("name").stream()
			.filter((t) -> t.path("name").asText().endsWith("statements per cycle on the operation's path"))
			.findFirst()
			.orElseThrow();
		assertThat(statementsTarget.path("measured").asDouble()).isEqualTo(latency.path("statementsOnPath").asDouble());
	}

	@Test
	void statementsAreCountedUnderTheirVerbAndTables() {
		assertThat(DatabaseWork.key("insert into event_log (occurred_at, event_type) values (?, ?)"))
			.isEqualTo("insert event_log");
		assertThat(DatabaseWork.key("update operation_phases set state=?,finished_at=? where id=?"))
			.isEqualTo("update operation_phases");
		assertThat(DatabaseWork.key("delete from xso_bench_1.operations where id in (?,?,?)")).isEqualTo("delete operations");
		assertThat(DatabaseWork.key("select o1_0.id,(select count(*) from checkpoints c) from operations o1_0 "
				+ "left join operation_phases p1_0 on p1_0.operation_id=o1_0.id where o1_0.id=?"))
			.isEqualTo("select operations join operation_phases");
		assertThat(DatabaseWork.key("select * from domain_leases where expires_at <= ? order by domid limit ? "
				+ "for update skip locked")).isEqualTo("select for update domain_leases");
		assertThat(DatabaseWork.key("select current_setting('autovacuum')")).isEqualTo("select");
		assertThat(DatabaseWork.origin("http-nio-auto-1-exec-7")).isEqualTo(DatabaseWork.REQUEST);
		assertThat(DatabaseWork.origin("xso-op-3")).isEqualTo(DatabaseWork.WORKER);
		assertThat(DatabaseWork.origin("scheduling-1")).isEqualTo("background (scheduling)");
	}

	@Test
	void checkpointDriverPersistsCheckpointsBackToBackAndOnTheServersSchedule() throws Exception {
		Path plot = this.dir.resolve("epochs.png");
		JsonNode r = run("checkpoints", "guests=2", "seconds=1", "warmupSeconds=0", "intervalMs=100", "plot=" + plot);
		assertThat(r.path("rows").findValuesAsString("run")).containsExactly("back-to-back", "periodic",
				"periodic, output commit");
		assertThat(r.path("rows")).allSatisfy((row) -> assertThat(row.path("perGuestPerSecondMin").asDouble()).isPositive());
		JsonNode backToBack = r.path("rows").get(0);
		assertThat(backToBack.path("bytesPerCheckpoint").asLong()).isPositive();
		assertThat(backToBack.path("failed").asLong()).isZero();
		for (JsonNode periodic : List.of(r.path("rows").get(1), r.path("rows").get(2))) {
			// 10 epochs per guest, every schedule's first one full, the rest incremental
			assertThat(periodic.path("epochs").asLong()).isEqualTo(20);
			assertThat(periodic.path("fullEpochs").asLong()).isEqualTo(2);
			assertThat(periodic.path("incrementalEpochs").asLong()).isEqualTo(18);
			assertThat(periodic.path("fullContentBytes").asLong()).isPositive();
			assertThat(periodic.path("netPacketsPerSecondPerGuest").asDouble()).isPositive();
		}
		// the schedule's rate and pause are the targets; the back-to-back rate is a figure beside them
		assertThat(r.path("targets").findValuesAsString("name")).containsExactly(
				"periodic checkpointing, 2 guests, persisted, per guest (slowest guest)", "guest paused per epoch, p50",
				"guest paused per epoch, p99");
		assertThat(r.path("targets").get(0).path("note").asString()).contains("the simulated guests' own I/O took");
		// where the machine's CPU went in each run, the guests' drivers and workloads among it
		for (String run : List.of("backToBack", "periodic", "periodicOutputCommit")) {
			JsonNode cpu = r.path("cpu").path(run);
			assertThat(cpu.path(CpuShare.GUESTS).asDouble()).as(run).isPositive();
			// the machine's share outside the JVM where the machine's counters can be read
			assertThat(cpu.path("idle").isNumber()).as(run).isEqualTo(Files.isReadable(Path.of("/proc/stat")));
		}
		assertThat(r.path("cpu").path("periodic").path("epoch writers").asDouble()).isPositive();
		assertThat(r.path("rows").get(1).path("guestsCpuPercent").asDouble()).isPositive();
		assertThat(r.path("epochSeries")).isNotEmpty();
		assertThat(ImageIO.read(plot.toFile()).getWidth()).isEqualTo(EpochPlot.WIDTH);
	}

	@Test
	void reportReplacesOnlyThePerformanceSectionOfTheReadme() throws Exception {
		Path results = this.dir.resolve("results");
		Results fake = new Results("peer", "cmd peer", Map.of("cycles", 1, "inFlight", 32));
		fake.put("peer", "libvirt test driver");
		Map<String, Object> row = fake.row();
		row.put("forkScores", java.util.List.of(0.75, 0.5));
		row.put("peerMeanMs", 0.5);
		row.put("simulatorMeanMs", 1.5);
		fake.target("a goal", "<= 1", 2.0, "x", false, "why");
		fake.write(results);
		Path readme = this.dir.resolve("README.md");
		Files.writeString(readme, "# t\n\n## Before\n\nkept\n\n## Figures\n\nold figures\n\n## After\n\nalso kept\n");
		Bench.run("report", Map.of("out", results.toString(), "readme", readme.toString(), "notes",
				this.dir.resolve("none.md").toString(), "plot", this.dir.resolve("p.png").toString()), "smoke report");
		String text = Files.readString(readme);
		assertThat(text).startsWith("# t\n\n## Before\n\nkept\n\n## Figures\n")
			.endsWith("\n## After\n\nalso kept\n")
			.doesNotContain("old figures")
			.contains("cmd peer", "| a goal | <= 1 | 2 x | **missed** (why) | peer |", "| 0.5 | 1.5 |", "| 0.75, 0.5 |");
	}

}
