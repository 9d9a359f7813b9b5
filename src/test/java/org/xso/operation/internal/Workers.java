package org.xso.operation.internal;

import java.util.UUID;

import org.springframework.context.ApplicationContext;

/** Reaches an instance's workers from tests of other packages. */
public final class Workers {

	private Workers() {
	}

	/**
	 * Runs operation {@code id} on the caller's thread, as a worker of {@code instance} would after a
	 * late dispatch: from its row as it is now.
	 */
	public static void runNow(ApplicationContext instance, UUID id) {
		instance.getBean(OperationRunner.class).run(id, null);
	}

}
