package org.xso.xen.store;

import java.util.concurrent.atomic.AtomicInteger;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class XsTransactionTests {

	private static final String FRONTEND = "/local/domain/1/device/vbd/51712";

	private final Xenstore store = new Xenstore();

	private final DomId guest = DomId.guest(1);

	private final XsConnection dom0 = store.connect(DomId.DOM0);

	private final XsConnection domU = store.connect(guest);

	XsTransactionTests() {
		store.introduceDomain(guest);
		dom0.write(FRONTEND + "/state", "1");
		dom0.setPerms(FRONTEND, XsPermissions.owner(guest));
		dom0.setPerms(FRONTEND + "/state", XsPermissions.owner(guest));
	}

	@Test
	void readsASnapshotIsolatedFromOtherWriters() {
		dom0.write("/tool/before", "old");
		XsTransaction tx = dom0.transactionStart();
		dom0.write("/tool/before", "new");
		dom0.write("/tool/after", "new");

		assertThat(tx.read("/tool/before")).isEqualTo("old");
		assertThat(tx.tryRead("/tool/after")).isEmpty();
		assertThat(tx.directory("/tool")).containsExactly("before");
	}

	@Test
	void seesItsOwnWritesWhichOthersSeeOnlyAfterCommit() {
		XsTransaction tx = domU.transactionStart();
		tx.write("device/vbd/51712/ring-ref", "8");

		assertThat(tx.read("device/vbd/51712/ring-ref")).isEqualTo("8");
		assertThat(tx.directory(FRONTEND)).containsExactly("ring-ref", "state");
		assertThat(domU.tryRead("device/vbd/51712/ring-ref")).isEmpty();
		tx.commit();
		assertThat(domU.read("device/vbd/51712/ring-ref")).isEqualTo("8");
	}

	@Test
	void hasANonZeroIdAndRefusesUseAfterItEnded() {
		XsTransaction tx = domU.transactionStart();
		assertThat(tx.id()).isNotZero();

		tx.commit();

		for (Runnable use : new Runnable[] { () -> tx.read("device"), () -> tx.write("x", "1"), tx::commit,
				tx::abort }) {
			assertThatExceptionOfType(XenstoreException.class).isThrownBy(use::run)
				.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
		}
	}

	@Test
	void failsWithEagainWhenANodeItWroteWasChangedMeanwhile() {
		XsTransaction tx = domU.transactionStart();
		tx.write("device/vbd/51712/state", "3");
		dom0.write(FRONTEND + "/state", "5");

		assertConflict(tx);
		assertThat(dom0.read(FRONTEND + "/state")).isEqualTo("5");
	}

	@Test
	void failsWithEagainWhenANodeItReadWasChangedOrCreatedMeanwhile() {
		XsTransaction read = domU.transactionStart();
		read.read("device/vbd/51712/state");
		read.write("device/vbd/51712/x", "1");
		XsTransaction missing = domU.transactionStart();
		missing.tryRead("device/vbd/51712/ring-ref");
		missing.write("device/vbd/51712/y", "1");

		dom0.write(FRONTEND + "/state", "2");
		dom0.write(FRONTEND + "/ring-ref", "9");

		assertConflict(read);
		assertConflict(missing);
		assertThat(dom0.directory(FRONTEND)).containsExactly("ring-ref", "state");
	}

	@Test
	void failsWithEagainWhenOtherTransactionsRewroteANodeItReadEvenBackToTheSameValue() {
		XsTransaction reader = domU.transactionStart();
		reader.read("device/vbd/51712/state");
		reader.write("device/vbd/51712/x", "1");

		// each of these starts on the live tree and commits its own tree without a replay
		dom0.transaction((XsTransaction t) -> t.write(FRONTEND + "/state", "2"));
		dom0.transaction((XsTransaction t) -> t.write(FRONTEND + "/state", "1"));

		assertConflict(reader);
		assertThat(dom0.tryRead(FRONTEND + "/x")).isEmpty();
	}

	@Test
	void aTransactionThatFindsTheStoreMovedOnMergesItsChangesAndFiresWatchesInOrder() {
		dom0.mkdir("/tool/p");
		dom0.mkdir("/tool/q");
		List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		dom0.watch("/tool", "t", Runnable::run, e -> events.add(e.path()));
		events.clear();
		XsTransaction tx = dom0.transactionStart();
		tx.write("/tool/p/a", "1");
		tx.write("/tool/p/b", "2");
		dom0.write("/tool/q/c", "3");

		tx.commit();

		assertThat(dom0.read("/tool/p/a") + dom0.read("/tool/p/b") + dom0.read("/tool/q/c")).isEqualTo("123");
		assertThat(events).containsExactly("/tool/q/c", "/tool/p/a", "/tool/p/b");
		assertThat(store.history("/tool")).extracting(XsHistoryEntry::path)
			.endsWith("/tool/q/c", "/tool/p/a", "/tool/p/b");
	}

	@Test
	void failsWithEagainWhenADirectoryItListedGainedAChild() {
		XsTransaction tx = domU.transactionStart();
		tx.directory("device/vbd");
		tx.write("device/vbd/count", "1");
		dom0.write("/local/domain/1/device/vbd/51728/state", "1");

		assertConflict(tx);
	}

	@Test
	void commitsWhenOthersChangedOnlyNodesItNeverTouched() {
		XsTransaction tx = domU.transactionStart();
		tx.read("device/vbd/51712/state");
		tx.write("device/vbd/51712/ring-ref", "8");
		dom0.write("/local/domain/1/device/vif/0/state", "1");
		dom0.write("/tool/unrelated", "x");

		tx.commit();

		assertThat(dom0.read(FRONTEND + "/ring-ref")).isEqualTo("8");
	}

	@Test
	void retryHelperRerunsTheWholeBodyAfterAConflictAndSucceeds() {
		AtomicInteger runs = new AtomicInteger();

		String result = domU.transaction(tx -> {
			String state = tx.read("device/vbd/51712/state");
			if (runs.incrementAndGet() == 1) {
				dom0.write(FRONTEND + "/state", "2");
			}
			tx.write("device/vbd/51712/seen", state);
			return state;
		});

		assertThat(runs).hasValue(2);
		assertThat(result).isEqualTo("2");
		assertThat(domU.read("device/vbd/51712/seen")).isEqualTo("2");
		assertThat(store.transactionRetries()).isEqualTo(1);
	}

	@Test
	void injectedConflictsFailTheNextCommitsAndChangeNothing() {
		store.injectTransactionConflicts(2);
		XsTransaction first = domU.transactionStart();
		first.write("device/vbd/51712/a", "1");
		assertConflict(first);
		assertThat(domU.tryRead("device/vbd/51712/a")).isEmpty();

		AtomicInteger runs = new AtomicInteger();
		domU.transaction(tx -> {
			runs.incrementAndGet();
			tx.write("device/vbd/51712/a", "2");
		});

		assertThat(runs).hasValue(2);
		assertThat(domU.read("device/vbd/51712/a")).isEqualTo("2");
		assertThat(store.transactionRetries()).isEqualTo(1);
		assertThat(store.transactionConflicts()).isEqualTo(2);
	}

	@Test
	void retryHelperGivesUpWithEagainAfterBoundedAttempts() {
		store.injectTransactionConflicts(1000);
		AtomicInteger runs = new AtomicInteger();

		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.transaction(tx -> {
			runs.incrementAndGet();
		})).satisfies(e -> assertThat(e.errno()).isEqualTo("EAGAIN"));
		assertThat(runs).hasValue(XsConnection.MAX_TRANSACTION_ATTEMPTS);
	}

	@Test
	void retryHelperAbortsAndRethrowsWhatTheBodyThrows() {
		XsTransaction[] seen = new XsTransaction[1];

		assertThatIllegalStateException().isThrownBy(() -> domU.transaction((XsTransaction tx) -> {
			seen[0] = tx;
			tx.write("device/vbd/51712/half", "1");
			throw new IllegalStateException("backend vanished");
		}));

		assertThat(seen[0].isOpen()).isFalse();
		assertThat(domU.tryRead("device/vbd/51712/half")).isEmpty();
		assertThat(store.transactionRetries()).isZero();
	}

	@Test
	void checksPermissionsInsideTheTransaction() {
		XsConnection other = store.connect(DomId.guest(2));
		XsTransaction tx = other.transactionStart();

		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> tx.read(FRONTEND + "/state"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EACCES"));
	}

	@Test
	void removalsAndPermissionChangesCommitInOrder() {
		domU.transaction(tx -> {
			tx.write("device/vbd/51712/tmp/x", "1");
			tx.rm("device/vbd/51712/tmp");
			tx.setPerms("device/vbd/51712/state", XsPermissions.owner(guest).withReader(DomId.guest(2)));
		});

		assertThat(dom0.tryRead(FRONTEND + "/tmp")).isEmpty();
		assertThat(dom0.getPerms(FRONTEND + "/state")).hasToString("n1,r2");
	}

	private static void assertConflict(XsTransaction tx) {
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(tx::commit)
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EAGAIN"));
	}

}
