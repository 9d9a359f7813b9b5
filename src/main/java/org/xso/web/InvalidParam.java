package org.xso.web;

/**
 * One reason a request was rejected: where ({@code in}: body, path, query or header), which
 * parameter ({@code name}: a JSON pointer into the body, or the parameter or header name), and why.
 */
public record InvalidParam(String in, String name, String message) {

	public static InvalidParam body(String pointer, String message) {
		return new InvalidParam("body", pointer, message);
	}

	public static InvalidParam path(String name, String message) {
		return new InvalidParam("path", name, message);
	}

	public static InvalidParam query(String name, String message) {
		return new InvalidParam("query", name, message);
	}

	public static InvalidParam header(String name, String message) {
		return new InvalidParam("header", name, message);
	}

}
