package org.xso.web;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.text.SafeText;

/**
 * What an error the servlet container saw (a status it set, an exception it caught) means in the
 * catalogue, for the requests that never reach a controller: the error page and the server's last
 * resort report both answer with it. The detail is the service's wording for the status: the
 * container's own message (which names its parser's internals, or whatever a component passed to
 * {@code sendError}) is only logged, at debug.
 */
final class ContainerProblems {

	private static final Logger log = LoggerFactory.getLogger(ContainerProblems.class);

	private ContainerProblems() {
	}

	static ApiProblemException of(int status, @Nullable String message, @Nullable Throwable failure) {
		ApiProblemException known = known(failure);
		if (known != null) {
			return known;
		}
		if (message != null && !message.isBlank()) {
			log.debug("The container answered {}: {}", status, SafeText.escape(message));
		}
		return switch (status) {
			case 404 -> new ApiProblemException(ProblemType.NOT_FOUND, "no resource at this path");
			case 405 -> new ApiProblemException(ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this resource");
			case 406 -> new ApiProblemException(ProblemType.NOT_ACCEPTABLE, "no acceptable representation");
			case 415 -> new ApiProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "unsupported media type");
			default -> status >= 400 && status < 500
					? new ApiProblemException(ProblemType.MALFORMED_REQUEST, "the server could not parse the request: a "
							+ "malformed request line, path or header (bad or forbidden percent-encoding such as an "
							+ "encoded NUL or slash), or one larger than the server accepts (HTTP " + status + ")")
					: new ApiProblemException(ProblemType.INTERNAL_ERROR, "internal error; see the service log");
		};
	}

	/**
	 * Tomcat parses the query string lazily and fails on a parameter without a name ({@code ?=1}),
	 * bad percent-encoding or too many parameters; its message quotes byte offsets and suggests
	 * debug logging, so the client gets this instead.
	 */
	static ApiProblemException invalidQuery(InvalidParameterException e) {
		log.debug("Tomcat rejected the query string: {}", SafeText.escape(e.getMessage()));
		return ApiProblemException.invalid(InvalidParam.query("", "the query string is not valid: a parameter "
				+ "without a name, bad percent-encoding or too many parameters"));
	}

	private static @Nullable ApiProblemException known(@Nullable Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ApiProblemException p) {
				return p;
			}
			if (t instanceof InvalidParameterException e) {
				return invalidQuery(e);
			}
		}
		return null;
	}

}
