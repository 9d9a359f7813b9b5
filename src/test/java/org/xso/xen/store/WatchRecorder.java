package org.xso.xen.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Collects the paths of watch events; thread-safe. */
final class WatchRecorder implements Consumer<XsWatchEvent> {

	private final List<XsWatchEvent> events = new CopyOnWriteArrayList<>();

	@Override
	public void accept(XsWatchEvent event) {
		events.add(event);
	}

	List<String> paths() {
		return events.stream().map(XsWatchEvent::path).toList();
	}

	List<XsWatchEvent> events() {
		return List.copyOf(events);
	}

	void clear() {
		events.clear();
	}

}
