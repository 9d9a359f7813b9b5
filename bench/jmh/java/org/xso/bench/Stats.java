package org.xso.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Latency samples in nanoseconds and their summary in milliseconds (nearest-rank percentiles). */
final class Stats {

	private long[] samples = new long[64];

	private int size;

	synchronized void add(long nanos) {
		if (this.size == this.samples.length) {
			this.samples = Arrays.copyOf(this.samples, this.size * 2);
		}
		this.samples[this.size++] = nanos;
	}

	synchronized int count() {
		return this.size;
	}

	/** The {@code p}-th percentile (0 < p ≤ 100) in milliseconds, NaN without samples. */
	synchronized double percentileMs(double p) {
		if (this.size == 0) {
			return Double.NaN;
		}
		long[] sorted = Arrays.copyOf(this.samples, this.size);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(p / 100.0 * this.size);
		return sorted[Math.max(0, Math.min(this.size - 1, rank - 1))] / 1e6;
	}

	synchronized double meanMs() {
		if (this.size == 0) {
			return Double.NaN;
		}
		double sum = 0;
		for (int i = 0; i < this.size; i++) {
			sum += this.samples[i];
		}
		return sum / this.size / 1e6;
	}

	/** count, mean, p50, p95, p99, max (milliseconds, 3 decimals). */
	Map<String, Object> summary() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("count", count());
		m.put("meanMs", round(meanMs()));
		m.put("p50Ms", round(percentileMs(50)));
		m.put("p95Ms", round(percentileMs(95)));
		m.put("p99Ms", round(percentileMs(99)));
		m.put("maxMs", round(percentileMs(100)));
		return m;
	}

	static double round(double v) {
		return Double.isNaN(v) ? v : Math.round(v * 1000.0) / 1000.0;
	}

}
