package org.xso.operation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Phase;

/**
 * What this instance shows of the operations it runs: a queued operation is taken by its worker or
 * by a cancel, never both; a cancel asked for while it runs shows at once; an ended one is no longer
 * shown from memory.
 */
class LiveOperationsTests {

	private final OperationViewMapper views = new OperationViewMapper(null, null, new NoTransactions());

	@Test
	void aQueuedOperationIsTakenByItsWorkerOrByACancelNeverBoth() throws Exception {
		ExecutorService two = Executors.newFixedThreadPool(2); // the two sides meet at a barrier
		try {
			race(two);
		}
		finally {
			two.shutdownNow();
		}
	}

	private void race(ExecutorService two) throws Exception {
		for (int i = 0; i < 500; i++) {
			LiveOperations live = new LiveOperations();
			Operation op = Operations.aSuspend().build();
			live.queued(views.map(op));
			CyclicBarrier together = new CyclicBarrier(2);
			CompletableFuture<Boolean> worker = CompletableFuture.supplyAsync(() -> {
				await(together);
				return live.start(op.id());
			}, two);
			CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> {
				await(together);
				return live.cancelQueued(op.id());
			}, two);
			assertThat(worker.get() ^ cancel.get()).as("exactly one of them took it").isTrue();
		}
	}

	@Test
	void showsWhatTheWorkerShowsAndACancelAskedForMeanwhile() {
		LiveOperations live = new LiveOperations();
		Operation op = Operations.aSuspend().build();
		live.queued(views.map(op));
		assertThat(live.cancelRequested(op.id(), "bob")).as("not running yet").isFalse();
		assertThat(live.start(op.id())).isTrue();
		assertThat(live.cancelQueued(op.id())).as("running: a cancel is a request").isFalse();

		op.start("node-a", Operations.T0);
		op.enter(Phase.QUIESCE, Operations.T0);
		live.show(views.map(op));
		assertThat(live.view(op.id())).get()
			.satisfies(v -> assertThat(v.state()).isEqualTo(OperationState.RUNNING))
			.satisfies(v -> assertThat(v.phase()).isEqualTo(Phase.QUIESCE))
			.satisfies(v -> assertThat(v.cancellable()).isTrue());

		assertThat(live.cancelRequested(op.id(), "bob")).isTrue();
		assertThat(live.cancelRequested(op.id(), "carol")).isTrue();
		OperationViews.OperationView asked = live.view(op.id()).orElseThrow();
		assertThat(asked.cancelRequested()).isTrue();
		assertThat(asked.cancelRequestedBy()).as("the first to ask").isEqualTo("bob");
		assertThat(asked.cancellable()).isFalse();
		assertThat(live.cancelRequestedBy(op.id())).contains("bob");

		live.forget(op.id());
		assertThat(live.view(op.id())).isEmpty();
	}

	@Test
	void anOperationRecoveryRunsIsShownOnceItsWorkerShowsIt() {
		LiveOperations live = new LiveOperations();
		Operation op = Operations.aResume().build();
		assertThat(live.start(op.id())).as("not queued here: nothing to race with").isTrue();
		assertThat(live.view(op.id())).isEmpty();
		op.start("node-a", Operations.T0);
		op.enter(Phase.VERIFY_CHECKPOINT, Operations.T0);
		live.show(views.map(op));
		assertThat(live.view(op.id())).get().satisfies(v -> assertThat(v.phase()).isEqualTo(Phase.VERIFY_CHECKPOINT));
		assertThat(live.cancelQueued(op.id())).isFalse();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	/** {@link OperationViewMapper#map} reads nothing for these kinds; its read transactions are never used. */
	private static final class NoTransactions extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition d) {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			throw new UnsupportedOperationException();
		}

	}

}
