package org.xso.hypervisor.libxl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.text.SafeText;

/** The adapter's listeners; one failing listener neither stops the others nor the call that published. */
final class LibxlEvents implements Consumer<HypervisorEvent> {

	private static final Logger log = LoggerFactory.getLogger(LibxlEvents.class);

	private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();

	void add(Consumer<HypervisorEvent> listener) {
		listeners.add(listener);
	}

	void publish(HypervisorEvent event) {
		for (Consumer<HypervisorEvent> l : listeners) {
			try {
				l.accept(event);
			}
			catch (RuntimeException e) {
				log.warn("A hypervisor event listener failed on {}: {}", event, SafeText.escape(e.toString()));
			}
		}
	}

	@Override
	public void accept(HypervisorEvent event) {
		publish(event);
	}

}
