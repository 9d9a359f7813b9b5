package org.xso.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.xso.web.ProblemBody;
import org.xso.web.ProblemType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the security filter chain's refusals as the API's problem details: 401
 * {@code UNAUTHENTICATED} (with {@code WWW-Authenticate: Bearer}, RFC 6750), 403 {@code FORBIDDEN}
 * naming the role needed and the caller's, 403 {@code CROSS_ORIGIN_REFUSED}, 415
 * {@code UNSUPPORTED_MEDIA_TYPE}. A detail never repeats a credential.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final JsonMapper json;

	SecurityProblems(JsonMapper json) {
		this.json = json;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
			throws IOException {
		boolean presented = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
		String detail;
		if (!presented) {
			detail = "this request needs credentials: send 'Authorization: Bearer <token>' with an API token or a JWT";
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		else {
			// a bearer token the resolver found and a provider refused, or another scheme (Basic...)
			detail = request.getHeader(HttpHeaders.AUTHORIZATION).regionMatches(true, 0, "Bearer ", 0, 7)
					? "the bearer token was not accepted: " + safeReason(e)
					: "the Authorization header is not a bearer token ('Authorization: Bearer <token>')";
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
		}
		write(response, ProblemBody.of(ProblemType.UNAUTHENTICATED, detail, request.getRequestURI()));
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
			throws IOException {
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		String has = caller == null ? "none" : Role.highest(caller.getAuthorities()).map(Role::configName).orElse("none");
		Role needed = AccessRules.required(request).orElse(Role.ADMIN);
		write(response, ProblemBody.of(ProblemType.FORBIDDEN,
				"this request needs the " + needed.configName() + " role; the caller's role is " + has,
				request.getRequestURI()));
	}

	void refuse(HttpServletRequest request, HttpServletResponse response, ProblemType code, String detail)
			throws IOException {
		write(response, ProblemBody.of(code, detail, request.getRequestURI()));
	}

	/**
	 * Why a token was refused, in words the service chose: a decoder's message may quote claims,
	 * but never the token, and is cut short.
	 */
	private static String safeReason(AuthenticationException e) {
		String m = e.getMessage() == null ? "invalid token" : e.getMessage();
		m = m.replaceAll("[\\p{Cntrl}\\p{Cf}]", " ");
		return m.length() > 200 ? m.substring(0, 200) + "…" : m;
	}

	private void write(HttpServletResponse response, ProblemBody body) throws IOException {
		response.setStatus(body.status());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(json.writeValueAsString(body));
	}

}
