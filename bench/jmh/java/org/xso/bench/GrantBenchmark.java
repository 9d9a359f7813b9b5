package org.xso.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;
import org.xso.xen.grant.GrantMapResult;
import org.xso.xen.grant.GrantTable;
import org.xso.xen.grant.GrantTables;
import org.xso.xen.mm.MachineMemory;

/**
 * Grant-table operations between a guest (domain 1) and dom0: {@code grantMapUnmapEnd} is one
 * page's whole life on a ring (the guest grants it, dom0 maps and unmaps it, the guest ends
 * access); {@code mapUnmap} is dom0's part alone on a grant that stays (persistent-grant style).
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="GrantBenchmark -f 1 -wi 2 -i 3"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrantBenchmark {

	static final DomId GUEST = DomId.of(1);

	private GrantTables grants;

	private GrantTable table;

	private Mfn frame;

	private GrantRef kept;

	@Setup
	public void setUp() {
		MachineMemory memory = new MachineMemory(0x1000, 1 << 12);
		this.grants = new GrantTables(memory);
		this.table = this.grants.create(GUEST, 8);
		this.frame = memory.allocate();
		this.kept = this.table.grantForeignAccess(DomId.DOM0, memory.allocate(), false);
	}

	@Benchmark
	public boolean grantMapUnmapEnd() {
		GrantRef ref = this.table.grantForeignAccess(DomId.DOM0, this.frame, false);
		GrantMapResult.Mapped mapped = this.grants.map(DomId.DOM0, GUEST, ref, false).orElseThrow();
		this.grants.unmap(mapped.handle());
		return this.table.endForeignAccess(ref);
	}

	@Benchmark
	public int mapUnmap() {
		GrantMapResult.Mapped mapped = this.grants.map(DomId.DOM0, GUEST, this.kept, false).orElseThrow();
		return this.grants.unmap(mapped.handle());
	}

}
