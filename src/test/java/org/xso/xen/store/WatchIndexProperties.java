package org.xso.xen.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import org.xso.xen.DomId;

/**
 * The watch index fires exactly what xenstored's rule says, in registration order: for any set of
 * watches (some removed again, one connection's all at once) and any change, the same events as a
 * scan of every watch in the order it was registered.
 */
class WatchIndexProperties {

	/** Paths from a small tree with names that are prefixes of each other ({@code /a} and {@code /ab}). */
	private static final List<String> PATHS = List.of("/", "/a", "/ab", "/a/b", "/a/b/c", "/a/bc", "/ab/b", "/b",
			"/b/a", "/a0", "/a/b/c/d", "/local/domain/1/device/vbd/51712/state", "/local/domain/1/device/vbd",
			"/local/domain/0/backend/vbd/1/51712/state", "/local/domain/0/backend/vbd/1", "/local/domain/1");

	private static final List<String> SPECIAL = List.of("@releaseDomain", "@releaseDomain/1", "@introduceDomain");

	record Watched(int target, boolean second) {
	}

	@Property(tries = 300)
	void firesWhatAScanOfEveryWatchFires(@ForAll @Size(max = 40) List<@From("watched") Watched> registered,
			@ForAll @Size(max = 10) List<Integer> removed, @ForAll boolean closeSecond,
			@ForAll("changes") List<Change> changes) {
		Xenstore store = new Xenstore();
		XsConnection first = store.connect(DomId.DOM0);
		XsConnection second = store.connect(DomId.DOM0);
		List<String> heard = new ArrayList<>();
		Watches index = new Watches();
		List<XsWatch> all = new ArrayList<>();
		for (int i = 0; i < registered.size(); i++) {
			Watched w = registered.get(i);
			String target = w.target() < PATHS.size() ? PATHS.get(w.target()) : SPECIAL.get(w.target() - PATHS.size());
			String token = "t" + i;
			XsWatch watch = new XsWatch(w.second() ? second : first, target, target, token, Runnable::run,
					e -> heard.add(e.token() + " " + e.path()));
			index.add(watch);
			all.add(watch);
		}
		List<XsWatch> live = new ArrayList<>(all);
		for (int r : removed) {
			if (!all.isEmpty()) {
				XsWatch gone = all.get(Math.floorMod(r, all.size()));
				index.remove(gone);
				live.remove(gone);
			}
		}
		if (closeSecond) {
			index.removeAll(second);
			live.removeIf(w -> w.connection() == second);
		}
		assertThat(index.size()).isEqualTo(live.size());
		for (Change change : changes) {
			heard.clear();
			Set<XsWatch> touched = new LinkedHashSet<>();
			if (change.op() == null) {
				// a special event: @releaseDomain for domain 1
				index.fireSpecial("@releaseDomain", new DomId(1), touched);
			}
			else {
				index.fire(change, touched);
			}
			touched.forEach(XsWatch::dispatch);
			assertThat(heard).as("%s with %s", change, live).isEqualTo(scan(live, change));
		}
	}

	/** xenstored's rule, every watch tested in registration order. */
	private static List<String> scan(List<XsWatch> live, Change change) {
		List<String> events = new ArrayList<>();
		for (XsWatch w : live) {
			String target = w.target();
			if (change.op() == null) {
				if (target.equals("@releaseDomain") || target.equals("@releaseDomain/1")) {
					events.add(w.token() + " " + target);
				}
			}
			else if (XsPaths.isSpecial(target)) {
				continue;
			}
			else if (XsPaths.isAtOrBelow(change.path(), target)) {
				events.add(w.token() + " " + change.path());
			}
			else if (change.op() == XsOp.RM && XsPaths.isAtOrBelow(target, change.path())) {
				events.add(w.token() + " " + target);
			}
		}
		return events;
	}

	@Provide
	Arbitrary<Watched> watched() {
		return Arbitraries.integers()
			.between(0, PATHS.size() + SPECIAL.size() - 1)
			.flatMap(t -> Arbitraries.of(true, false).map(s -> new Watched(t, s)));
	}

	@Provide
	Arbitrary<List<Change>> changes() {
		Arbitrary<Change> change = Arbitraries.integers().between(0, PATHS.size()).flatMap(p -> Arbitraries
			.of(XsOp.WRITE, XsOp.RM, XsOp.MKDIR)
			// the path past the list: the special event instead (a change without an op)
			.map(op -> p == PATHS.size() ? new Change(null, "@releaseDomain", "", DomId.DOM0, null, null)
					: new Change(op, PATHS.get(p), "", DomId.DOM0, null, null)));
		return change.list().ofMinSize(1).ofMaxSize(8);
	}

}
