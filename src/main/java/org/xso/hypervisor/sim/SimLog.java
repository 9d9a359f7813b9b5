package org.xso.hypervisor.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The simulator's logging: one logger, driver names in the messages. */
final class SimLog {

	private static final Logger LOG = LoggerFactory.getLogger("org.xso.hypervisor.sim");

	private SimLog() {
	}

	static void error(String driver, Throwable e) {
		LOG.error("{}: {}", driver, e.toString(), e);
	}

	static void warn(String driver, String message) {
		LOG.warn("{}: {}", driver, message);
	}

	static void debug(String driver, String message) {
		if (LOG.isDebugEnabled()) {
			LOG.debug("{}: {}", driver, message);
		}
	}

}
