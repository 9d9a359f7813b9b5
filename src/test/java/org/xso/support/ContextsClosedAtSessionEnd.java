package org.xso.support;

import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Closes the Spring contexts the tests cached, newest first, when the test session ends, while what
 * they use still runs. Left to Spring Boot's JVM shutdown hook, they closed beside Testcontainers'
 * own hook, which removes the PostgreSQL container at the same moment: their scheduled jobs then
 * waited the pool's 30 s for connections that could not come, one context after the other, and the
 * test JVM outlived surefire's 30 s after {@code System.exit} and was halted. Registered as a
 * {@link ContextCustomizerFactory} (META-INF/spring.factories), which sees every context the
 * TestContext framework creates, and as a {@link LauncherSessionListener} (META-INF/services).
 * Contexts are added on the threads that create them and closed on the launcher's.
 */
public final class ContextsClosedAtSessionEnd implements ContextCustomizerFactory, LauncherSessionListener {

	private static final Deque<ConfigurableApplicationContext> CONTEXTS = new ConcurrentLinkedDeque<>();

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new Tracked();
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		for (ConfigurableApplicationContext c; (c = CONTEXTS.pollLast()) != null;) {
			if (c.isActive()) {
				c.close();
			}
		}
	}

	/** Equal to every other (it takes part in the context cache's key without splitting it). */
	private record Tracked() implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
			CONTEXTS.add(context);
		}

	}

}
