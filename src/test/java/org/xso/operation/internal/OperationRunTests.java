package org.xso.operation.internal;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.xso.operation.OperationViews;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A periodic checkpoint's newest epochs, as its run holds them for its view instead of reading its
 * rows at every epoch.
 */
class OperationRunTests {

	@Test
	void aRunAcceptedHereHoldsItsNewestEpochsNewestFirstUpToWhatTheViewShows() {
		OperationRun run = run(true);
		assertThat(run.recentEpochs()).isEmpty();
		IntStream.rangeClosed(1, 25).forEach(n -> run.recorded(epoch(n)));
		assertThat(run.recentEpochs()).extracting(OperationViews.EpochView::epoch)
			.containsExactlyElementsOf(IntStream.iterate(25, n -> n - 1).limit(OperationViewMapper.RECENT_EPOCHS).boxed().toList());
		// an epoch already held is not held twice
		run.recorded(epoch(25));
		run.recorded(epoch(24));
		assertThat(run.recentEpochs()).hasSize(OperationViewMapper.RECENT_EPOCHS).first()
			.extracting(OperationViews.EpochView::epoch).isEqualTo(25);
	}

	@Test
	void aRunContinuedFromItsRowKnowsItsEpochsOnlyOnceTheyAreRead() {
		OperationRun run = run(false);
		assertThat(run.recentEpochs()).isNull();
		// recorded before they were read: the read (after the commit) has it
		run.recorded(epoch(31));
		assertThat(run.recentEpochs()).isNull();
		run.recentEpochs(IntStream.iterate(31, n -> n - 1).limit(31).mapToObj(OperationRunTests::epoch).toList());
		assertThat(run.recentEpochs()).hasSize(OperationViewMapper.RECENT_EPOCHS).first()
			.extracting(OperationViews.EpochView::epoch).isEqualTo(31);
		run.recorded(epoch(32));
		assertThat(run.recentEpochs()).extracting(OperationViews.EpochView::epoch).startsWith(32, 31, 30).hasSize(20);
	}

	private static OperationRun run(boolean acceptedHere) {
		Operation op = Operations.aSuspend().build();
		return new OperationRun(op, OperationTicket.of(op, Duration.ofSeconds(5)), acceptedHere);
	}

	private static OperationViews.EpochView epoch(int n) {
		return new OperationViews.EpochView(n, UUID.randomUUID(), Operations.T0.plusMillis(10L * n), 1, 1, 3, 1, 3,
				1000, n % 20 != 1, 100);
	}

}
