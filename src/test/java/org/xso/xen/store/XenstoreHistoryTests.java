package org.xso.xen.store;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class XenstoreHistoryTests {

	private final Xenstore store = new Xenstore();

	private final DomId guest = DomId.guest(1);

	private final XsConnection dom0 = store.connect(DomId.DOM0);

	private final XsConnection domU = store.connect(guest);

	@Test
	void recordsEveryCommittedChangeInCommitOrder() {
		store.introduceDomain(guest);
		dom0.write("/local/domain/1/device/vbd/51712/state", "1");
		domU.mkdir("data");
		dom0.rm("/local/domain/1/data");

		assertThat(store.history()).extracting(XsHistoryEntry::writer, XsHistoryEntry::op, XsHistoryEntry::path,
				XsHistoryEntry::value)
			.containsExactly(tuple(DomId.DOM0, XsOp.MKDIR, "/local/domain/1", ""),
					tuple(DomId.DOM0, XsOp.SET_PERMS, "/local/domain/1", "n1"),
					tuple(DomId.DOM0, XsOp.WRITE, "/local/domain/1/device/vbd/51712/state", "1"),
					tuple(guest, XsOp.MKDIR, "/local/domain/1/data", ""),
					tuple(DomId.DOM0, XsOp.RM, "/local/domain/1/data", ""));
		assertThat(store.history()).extracting(XsHistoryEntry::seq).isSorted().doesNotHaveDuplicates();
		assertThat(store.history()).extracting(XsHistoryEntry::nanoTime).isSorted();
	}

	@Test
	void recordsATransactionsChangesAtCommitInTheOrderTheyWereMade() {
		store.introduceDomain(guest);
		store.clearHistory();
		XsTransaction tx = domU.transactionStart();
		tx.write("device/vbd/51712/ring-ref", "8");
		dom0.write("/tool/meanwhile", "x");
		tx.write("device/vbd/51712/event-channel", "5");
		tx.write("device/vbd/51712/state", "3");
		assertThat(store.history()).extracting(XsHistoryEntry::path).containsExactly("/tool/meanwhile");

		tx.commit();

		assertThat(store.history()).extracting(XsHistoryEntry::path)
			.containsExactly("/tool/meanwhile", "/local/domain/1/device/vbd/51712/ring-ref",
					"/local/domain/1/device/vbd/51712/event-channel", "/local/domain/1/device/vbd/51712/state");
	}

	@Test
	void aTraceHasEveryValueWrittenEvenOfANodeRemovedRightAfter() {
		store.introduceDomain(guest);
		List<XsHistoryEntry> traced = new ArrayList<>();
		store.trace(traced::add);
		domU.write("device/vbd/51712/state", "5");
		XsTransaction tx = domU.transactionStart();
		tx.write("device/vbd/51712/state", "6");
		tx.write("device/vbd/51712/ring-ref", "8");
		tx.commit();
		dom0.rm("/local/domain/1/device");

		assertThat(traced).extracting(XsHistoryEntry::op, XsHistoryEntry::path, XsHistoryEntry::value)
			.containsExactly(tuple(XsOp.WRITE, "/local/domain/1/device/vbd/51712/state", "5"),
					tuple(XsOp.WRITE, "/local/domain/1/device/vbd/51712/state", "6"),
					tuple(XsOp.WRITE, "/local/domain/1/device/vbd/51712/ring-ref", "8"),
					tuple(XsOp.RM, "/local/domain/1/device", ""));
		assertThat(traced).isEqualTo(store.history().subList(store.history().size() - 4, store.history().size()));
		assertThat(dom0.tryRead("/local/domain/1/device/vbd/51712/state")).isEmpty();
	}

	@Test
	void filtersByPathPrefixAlongComponentBoundaries() {
		dom0.write("/local/domain/1/a", "1");
		dom0.write("/local/domain/10/a", "10");
		dom0.write("/local/domain/1", "home");

		assertThat(store.history("/local/domain/1")).extracting(XsHistoryEntry::value).containsExactly("1", "home");
		assertThat(store.history("/")).hasSize(3);
	}

	@Test
	void keepsOnlyTheNewestEntriesAndSurvivesClearing() {
		Xenstore small = new Xenstore(3);
		XsConnection conn = small.connect(DomId.DOM0);
		for (int i = 1; i <= 5; i++) {
			conn.write("/tool/n", Integer.toString(i));
		}

		assertThat(small.history()).extracting(XsHistoryEntry::seq, XsHistoryEntry::value)
			.containsExactly(tuple(3L, "3"), tuple(4L, "4"), tuple(5L, "5"));
		small.clearHistory();
		conn.write("/tool/n", "6");
		assertThat(small.history()).extracting(XsHistoryEntry::seq).containsExactly(6L);
	}

	@Test
	void countsGenerationsAndNodes() {
		long before = store.generation();
		int nodes = store.nodeCount();

		dom0.write("/tool/a/b", "1");
		dom0.mkdir("/tool/a");

		assertThat(store.generation()).isEqualTo(before + 1);
		assertThat(store.nodeCount()).isEqualTo(nodes + 2);
		assertThat(store.list("/")).hasSize(store.nodeCount());
	}

}
