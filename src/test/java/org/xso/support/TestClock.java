package org.xso.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in the integration tests: the system clock in microsecond ticks, as in
 * production, that a test can move forward, so a deadline or an expiry passes when the test says
 * and not when the machine gets there. It only moves forward (tests share the context, so no time
 * read by one test ever goes back). Thread-safe: the offset is volatile and only added to.
 */
public final class TestClock extends Clock {

	private final Clock base = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));

	private volatile Duration offset = Duration.ZERO;

	/** Moves the clock forward by {@code amount}. */
	public synchronized void advance(Duration amount) {
		if (amount.isNegative()) {
			throw new IllegalArgumentException("the clock only moves forward");
		}
		offset = offset.plus(amount);
	}

	@Override
	public Instant instant() {
		return base.instant().plus(offset);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("the service's clock is UTC");
	}

}
