package org.xso.problem;

/**
 * One field of a command that is not acceptable: {@code field} is a JSON pointer into the command
 * as its caller wrote it (e.g. {@code /devices/0/sectors}), {@code message} says why.
 */
public record Violation(String field, String message) {

	public static Violation of(String field, String message) {
		return new Violation(field, message);
	}

}
