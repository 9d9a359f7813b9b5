package org.xso.host;

import org.jspecify.annotations.Nullable;

/** What happens to this instance's host, for the modules that keep per-host state. */
public final class HostEvents {

	private HostEvents() {
	}

	/**
	 * This instance serves host {@code name} from now on (published in the registering transaction).
	 *
	 * @param previousInstance the instance that served it before, if any
	 */
	public record HostRegistered(String name, String instance, @Nullable String previousInstance) {
	}

	/** Another instance ({@code by}) has registered this instance's host: this one serves it no more. */
	public record HostLost(String name, String instance, String by) {
	}

}
