package org.xso.hypervisor.libxl;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.text.SafeText;

/**
 * Receives libxl's log lines from the shim's xentoollog logger and forwards them to the
 * {@code libxl} logger, at the level xentoollog gave them. Keeps the last error line, which is
 * libxl's own explanation of a failed call (for example "cannot open libxc handle").
 *
 * <p>
 * IMPORTANT: {@link #log} is called from C (xso_libxl.c, {@code xso_log_vmessage}); its name and
 * signature must stay as they are.
 */
final class LibxlLog {

	/** xentoollog_level values, xentoollog.h. */
	static final int XTL_DEBUG = 1;

	static final int XTL_VERBOSE = 2;

	static final int XTL_DETAIL = 3;

	static final int XTL_PROGRESS = 4;

	static final int XTL_INFO = 5;

	static final int XTL_NOTICE = 6;

	static final int XTL_WARN = 7;

	static final int XTL_ERROR = 8;

	static final int XTL_CRITICAL = 9;

	private final Logger log;

	private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();

	LibxlLog() {
		this(LoggerFactory.getLogger("libxl"));
	}

	LibxlLog(Logger log) {
		this.log = log;
	}

	void log(int level, int errnoval, @Nullable String context, String message) {
		// libxl quotes domain names and xenstore values that guests and other tools wrote
		String line = SafeText.escape((context == null ? "" : context + ": ") + message
				+ (errnoval > 0 ? " (errno " + errnoval + ")" : ""));
		if (level >= XTL_ERROR) {
			lastError.set(line);
			log.error(line);
		}
		else if (level >= XTL_WARN) {
			log.warn(line);
		}
		else if (level >= XTL_INFO) {
			log.info(line);
		}
		else if (level >= XTL_DETAIL) {
			log.debug(line);
		}
		else {
			log.trace(line);
		}
	}

	/** libxl's last error line, if it logged one. */
	@Nullable
	String lastError() {
		return lastError.get();
	}

}
