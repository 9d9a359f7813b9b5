package org.xso.security;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.xso.web.ProblemType;

/**
 * Two rules that keep a browser from being used against the API, whatever credentials it holds.
 */
final class RequestGuards {

	private RequestGuards() {
	}

	/**
	 * A request a browser sent from another origin ({@code Origin} differs from the service's own
	 * scheme, host and port) is refused with 403 {@code CROSS_ORIGIN_REFUSED} unless that origin is
	 * configured for CORS. Runs first, before authentication, so a page on another site learns
	 * nothing, not even whether a token is valid.
	 */
	static final class CrossOrigin extends OncePerRequestFilter {

		private final Set<String> allowed;

		private final SecurityProblems problems;

		CrossOrigin(Set<String> allowed, SecurityProblems problems) {
			this.allowed = allowed;
			this.problems = problems;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String origin = request.getHeader(HttpHeaders.ORIGIN);
			if (origin != null && isCrossOrigin(request) && !allowed.contains(origin)) {
				problems.refuse(request, response, ProblemType.CROSS_ORIGIN_REFUSED, "requests from origin '"
						+ printable(origin) + "' are not accepted; configure xso.security.cors.allowed-origins to "
						+ "allow a browser application on another origin");
				return;
			}
			chain.doFilter(request, response);
		}

		private static boolean isCrossOrigin(HttpServletRequest request) {
			try {
				return CorsUtils.isCorsRequest(request);
			}
			catch (IllegalArgumentException e) {
				return true; // an Origin that is not a URI is not ours
			}
		}

	}

	/**
	 * A request that changes something and carries a body must say it is JSON (or, for a checkpoint
	 * archive's import, a zip): a form post
	 * ({@code application/x-www-form-urlencoded}, {@code multipart/form-data}, {@code text/plain}),
	 * the only bodies a browser sends across origins without asking first, is refused with 415
	 * {@code UNSUPPORTED_MEDIA_TYPE} even where the endpoint reads no body. Runs after
	 * authentication, so an unauthenticated caller learns only that it needs credentials.
	 */
	static final class JsonOnly extends OncePerRequestFilter {

		private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

		private static final Set<String> IMPORTS = Set.of("/api/v1/checkpoints/import",
				"/api/v1/checkpoints/import-check");

		private final SecurityProblems problems;

		JsonOnly(SecurityProblems problems) {
			this.problems = problems;
		}

		@Override
		protected boolean shouldNotFilter(HttpServletRequest request) {
			return !CHANGING.contains(request.getMethod()) || !request.getRequestURI().startsWith("/api/");
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String type = request.getContentType();
			if (type != null && !isJson(type) && !(isZip(type) && IMPORTS.contains(request.getRequestURI()))) {
				problems.refuse(request, response, ProblemType.UNSUPPORTED_MEDIA_TYPE, "a request that changes "
						+ "something takes a JSON body (application/json or application/merge-patch+json) or none; "
						+ "Content-Type '" + printable(type) + "' is not accepted");
				return;
			}
			chain.doFilter(request, response);
		}

		/**
		 * A checkpoint archive, which only its import takes: {@code application/zip} is no body a browser
		 * sends across origins without asking first either.
		 */
		static boolean isZip(String contentType) {
			try {
				MediaType type = MediaType.parseMediaType(contentType);
				return type.getType().equals("application") && type.getSubtype().equals("zip");
			}
			catch (InvalidMediaTypeException e) {
				return false;
			}
		}

		static boolean isJson(String contentType) {
			try {
				MediaType type = MediaType.parseMediaType(contentType);
				return type.getType().equals("application")
						&& (type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"));
			}
			catch (InvalidMediaTypeException e) {
				return false;
			}
		}

	}

	/** Header text shown back in a detail: printable ASCII only, at most 100 characters. */
	static String printable(String text) {
		String s = text.replaceAll("[^\\x20-\\x7e]", "?");
		return s.length() > 100 ? s.substring(0, 100) + "..." : s;
	}

	static boolean isOrigin(String value) {
		try {
			URI u = URI.create(value);
			return u.getScheme() != null && u.getHost() != null && (u.getPath() == null || u.getPath().isEmpty());
		}
		catch (IllegalArgumentException e) {
			return false;
		}
	}

}
