package org.xso.hypervisor.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.text.SafeText;

/** The simulator's logging: one logger, driver names in the messages. Stateless: any thread. */
final class SimLog {

	private static final Logger LOG = LoggerFactory.getLogger("org.xso.hypervisor.sim");

	private SimLog() {
	}

	static void error(String driver, Throwable e) {
		LOG.error("{}: {}", driver, SafeText.escape(e.toString()), e);
	}

	static void warn(String driver, String message) {
		LOG.warn("{}: {}", driver, SafeText.escape(message));
	}

	static void debug(String driver, String message) {
		if (LOG.isDebugEnabled()) {
			LOG.debug("{}: {}", driver, SafeText.escape(message));
		}
	}

}
