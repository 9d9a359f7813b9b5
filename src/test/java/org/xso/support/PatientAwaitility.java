package org.xso.support;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (junit-platform.properties turns on extension auto-detection):
 * an {@code await()} without its own {@code atMost} waits up to a minute for its condition, not
 * Awaitility's default of ten seconds, which a 2-core machine busy with something else can exceed.
 * A condition that holds returns at once; the per-test timeout still bounds a test that hangs.
 */
public final class PatientAwaitility implements BeforeAllCallback {

	/** How long a condition is waited for when the test names no other limit. */
	public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

	@Override
	public void beforeAll(ExtensionContext context) {
		Awaitility.setDefaultTimeout(DEFAULT_WAIT);
	}

}
