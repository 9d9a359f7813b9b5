package org.xso.bench;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up's end, on a clock and a compilation counter the test moves. */
class JitWarmupTests {

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong now = new AtomicLong(0);

	private final AtomicLong compiledMillis = new AtomicLong(0);

	/** Advances by {@code seconds}, the compilers busy {@code percent} of a core meanwhile. */
	private void run(JitWarmup warmup, int seconds, int percent) {
		for (int i = 0; i < seconds * 10; i++) {
			now.addAndGet(SECOND / 10);
			compiledMillis.addAndGet(percent);
			assertThat(warmup.goOn()).as("still warming up at %d ms", now.get() / 1_000_000).isTrue();
		}
	}

	@Test
	void goesOnPastItsMinimumWhileTheCompilersAreBusyAndEndsOnceTheyHaveSettledForAWindow() {
		JitWarmup warmup = new JitWarmup(60, 300, 5, now::get, compiledMillis::get);
		run(warmup, 90, 30);
		// then 2 % of a core: the last 10 s still hold more than 5 % for a while
		run(warmup, 5, 2);
		boolean goesOn = true;
		for (int i = 0; i < 100 && goesOn; i++) {
			now.addAndGet(SECOND / 10);
			compiledMillis.addAndGet(2);
			goesOn = warmup.goOn();
		}
		assertThat(goesOn).isFalse();
		assertThat(warmup.settled()).isTrue();
		// 30 % for the window's first second and 2 % for the other nine is 4.8 %: settled at 99 s
		assertThat(warmup.seconds()).isBetween(98.5, 99.5);
	}

	@Test
	void endsAtItsMaximumWhenTheCompilersNeverSettle() {
		JitWarmup warmup = new JitWarmup(60, 120, 5, now::get, compiledMillis::get);
		run(warmup, 119, 30);
		now.addAndGet(SECOND);
		assertThat(warmup.goOn()).isFalse();
		assertThat(warmup.settled()).isFalse();
	}

	@Test
	void endsAtItsMinimumWhereTheJvmDoesNotTimeItsCompilers() {
		JitWarmup warmup = new JitWarmup(60, 300, 5, now::get, () -> -1);
		for (int i = 0; i < 59; i++) {
			now.addAndGet(SECOND);
			assertThat(warmup.goOn()).isTrue();
		}
		now.addAndGet(SECOND);
		assertThat(warmup.goOn()).isFalse();
		assertThat(warmup.settled()).isFalse();
	}

	@Test
	void theCompilersShareIsTheirTimeOverTheWallTime() {
		assertThat(JitWarmup.percentSince(1_000, 1_500, 10 * SECOND)).isEqualTo(5.0);
		assertThat(JitWarmup.percentSince(-1, 1_500, 10 * SECOND)).isEqualTo(-1.0);
	}

}
