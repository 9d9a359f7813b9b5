package org.xso.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.xso.xen.blkif.BlkifLayout;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifRequest;
import org.xso.xen.blkif.BlkifResponse;
import org.xso.xen.blkif.BlkifSegment;
import org.xso.xen.blkif.BlkifStatus;
import org.xso.xen.ring.BackRing;
import org.xso.xen.ring.FrontRing;
import org.xso.xen.ring.RingMemory;

/**
 * blkif requests per second through one 1-page ring (32 slots) on one thread: the frontend encodes
 * a full ring of 3-segment requests and pushes, the backend decodes each, answers it and pushes,
 * the frontend reads the responses. One operation is one request's round trip.
 *
 * <p>
 * {@code records} goes through the validating records (the decode allocates them);
 * {@code allocationFree} writes and reads the fields directly with the static helpers.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="RingThroughput -f 1 -wi 2 -i 3"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingThroughputBenchmark {

	static final int BATCH = 32;

	static final int SEGMENTS = 3;

	private FrontRing front;

	private BackRing back;

	private RingMemory memory;

	private BlkifRequest[] requests;

	@Setup
	public void setUp() {
		this.memory = RingMemory.allocate(1);
		this.front = FrontRing.init(this.memory, BlkifLayout.RING_ENTRY_SIZE);
		this.back = BackRing.init(this.memory, BlkifLayout.RING_ENTRY_SIZE);
		this.requests = new BlkifRequest[BATCH];
		for (int i = 0; i < BATCH; i++) {
			List<BlkifSegment> segments = new ArrayList<>();
			for (int s = 0; s < SEGMENTS; s++) {
				segments.add(new BlkifSegment(256 + i * SEGMENTS + s, 0, 7));
			}
			this.requests[i] = BlkifRequest.of(BlkifOp.WRITE, 51712, i, 8L * i * SEGMENTS, segments);
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long records(Blackhole bh) {
		for (BlkifRequest request : this.requests) {
			request.encode(this.memory, this.front.requestSlotOffset());
			this.front.requestProduced();
		}
		bh.consume(this.front.pushRequestsAndCheckNotify());

		while (this.back.hasUnconsumedRequests()) {
			BlkifRequest request = BlkifRequest.decode(this.memory, this.back.requestSlotOffset());
			this.back.requestConsumed();
			new BlkifResponse(request.id(), request.operation(), BlkifStatus.OKAY).encode(this.memory,
					this.back.responseSlotOffset());
			this.back.responseProduced();
		}
		bh.consume(this.back.pushResponsesAndCheckNotify());
		bh.consume(this.back.finalCheckForRequests());

		long sum = 0;
		while (this.front.hasUnconsumedResponses()) {
			BlkifResponse response = BlkifResponse.decode(this.memory, this.front.responseSlotOffset());
			this.front.responseConsumed();
			sum += response.id() + response.status();
		}
		bh.consume(this.front.finalCheckForResponses());
		return sum;
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long allocationFree(Blackhole bh) {
		RingMemory m = this.memory;
		for (int i = 0; i < BATCH; i++) {
			int off = this.front.requestSlotOffset();
			BlkifRequest.writeHeader(m, off, BlkifOp.WRITE, SEGMENTS, 51712, i, 8L * i * SEGMENTS);
			for (int s = 0; s < SEGMENTS; s++) {
				BlkifSegment.write(m, off + BlkifLayout.segmentOffset(s), 256 + i * SEGMENTS + s, 0, 7);
			}
			this.front.requestProduced();
		}
		bh.consume(this.front.pushRequestsAndCheckNotify());

		while (this.back.hasUnconsumedRequests()) {
			int off = this.back.requestSlotOffset();
			int op = BlkifOp.peekOperation(m, off);
			long id = BlkifOp.peekId(m, off);
			long grefs = 0;
			for (int s = 0; s < SEGMENTS; s++) {
				grefs += m.getInt(off + BlkifLayout.segmentOffset(s) + BlkifLayout.SEG_GREF_OFFSET);
			}
			bh.consume(grefs);
			this.back.requestConsumed();
			BlkifResponse.write(m, this.back.responseSlotOffset(), id, op, BlkifStatus.OKAY);
			this.back.responseProduced();
		}
		bh.consume(this.back.pushResponsesAndCheckNotify());
		bh.consume(this.back.finalCheckForRequests());

		long sum = 0;
		while (this.front.hasUnconsumedResponses()) {
			int off = this.front.responseSlotOffset();
			sum += BlkifResponse.readId(m, off) + BlkifResponse.readStatus(m, off);
			this.front.responseConsumed();
		}
		bh.consume(this.front.finalCheckForResponses());
		return sum;
	}

}
