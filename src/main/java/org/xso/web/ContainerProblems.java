package org.xso.web;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

/**
 * What an error the servlet container saw (a status it set, an exception it caught) means in the
 * catalogue, for the requests that never reach a controller: the error page and the server's last
 * resort report both answer with it.
 */
final class ContainerProblems {

	private ContainerProblems() {
	}

	static ProblemException of(int status, @Nullable String message, @Nullable Throwable failure) {
		ProblemException known = known(failure);
		if (known != null) {
			return known;
		}
		String detail = message == null || message.isBlank() ? null : message;
		return switch (status) {
			case 404 -> new ProblemException(ProblemCode.NOT_FOUND, "no resource at this path");
			case 405 -> new ProblemException(ProblemCode.METHOD_NOT_ALLOWED, or(detail, "method not allowed"));
			case 406 -> new ProblemException(ProblemCode.NOT_ACCEPTABLE, or(detail, "no acceptable representation"));
			case 415 -> new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, or(detail, "unsupported media type"));
			default -> status >= 400 && status < 500
					? new ProblemException(ProblemCode.MALFORMED_REQUEST,
							or(detail, "the server could not parse the request") + " (HTTP " + status + ")")
					: new ProblemException(ProblemCode.INTERNAL_ERROR, "internal error; see the service log");
		};
	}

	private static @Nullable ProblemException known(@Nullable Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ProblemException p) {
				return p;
			}
			if (t instanceof InvalidParameterException) {
				return ProblemException
					.invalid(InvalidParam.query("", "the query string is not valid: " + t.getMessage()));
			}
		}
		return null;
	}

	private static String or(@Nullable String detail, String fallback) {
		return detail == null ? fallback : detail;
	}

}
