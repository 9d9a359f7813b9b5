package org.xso.operation.internal;

/**
 * What a step of a flow came to: the flow goes on with what the step produced ({@link Next}), or the
 * step ended the operation, compensating what had to be ({@link Ended}), and the flow stops there.
 *
 * @param <T> what the step produces for the next one
 */
sealed interface Step<T> {

	/** The flow goes on with {@code value}. */
	record Next<T>(T value) implements Step<T> {
	}

	/** The operation has ended; nothing more runs. */
	record Ended<T>() implements Step<T> {
	}

	static <T> Step<T> next(T value) {
		return new Next<>(value);
	}

	static <T> Step<T> ended() {
		return new Ended<>();
	}

}
