package org.xso.security;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.xso.web.ProblemType;

/**
 * Spring Security's firewall refuses a request before any filter runs: a method outside HTTP's
 * usual ones is 405 {@code METHOD_NOT_ALLOWED}, anything else (a path with {@code ..}, {@code //},
 * an encoded separator, a header with control characters) 400 {@code MALFORMED_REQUEST}, both as
 * problem details, never the container's error page.
 */
final class FirewallProblems implements RequestRejectedHandler {

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private final SecurityProblems problems;

	FirewallProblems(SecurityProblems problems) {
		this.problems = problems;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			RequestRejectedException rejected) throws IOException {
		if (!METHODS.contains(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
			problems.refuse(request, response, ProblemType.METHOD_NOT_ALLOWED,
					"HTTP method '" + RequestGuards.printable(request.getMethod()) + "' is not supported");
			return;
		}
		problems.refuse(request, response, ProblemType.MALFORMED_REQUEST,
				"the request's path or headers are not accepted (a '..' or '//' segment, an encoded separator "
						+ "or control character)");
	}

}
