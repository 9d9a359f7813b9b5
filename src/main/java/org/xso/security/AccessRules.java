package org.xso.security;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may do what: the smallest role each request needs, in one table read top to bottom (the
 * first matching rule decides). openapi.yaml states the same role on every operation, and
 * {@code AccessControlTests} checks the two agree operation by operation.
 */
final class AccessRules {

	/** A rule: requests it matches need {@code role}, or nothing at all when {@code role} is null. */
	record Rule(RequestMatcher matcher, @Nullable Role role) {
	}

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	static final List<Rule> RULES = List.of(
			// the probes an orchestrator polls, without details
			new Rule(PATHS.matcher(HttpMethod.GET, "/actuator/health"), null),
			new Rule(PATHS.matcher(HttpMethod.GET, "/actuator/health/liveness"), null),
			new Rule(PATHS.matcher(HttpMethod.GET, "/actuator/health/readiness"), null),
			// info, prometheus and the health components' details
			new Rule(PATHS.matcher("/actuator/**"), Role.VIEWER),
			// operations on a guest that is there
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/suspend"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/move"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/resume"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/checkpoints"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/periodic-checkpoints"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/pause"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/domains/*/unpause"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/operations/*/cancel"), Role.OPERATOR),
			new Rule(PATHS.matcher(HttpMethod.POST, "/api/v1/checkpoints/*/restore"), Role.OPERATOR),
			// a checkpoint's archive holds the guest's memory and disks: more than reading its details
			new Rule(PATHS.matcher(HttpMethod.GET, "/api/v1/checkpoints/*/export"), Role.OPERATOR),
			// reading, including the event stream
			new Rule(PATHS.matcher(HttpMethod.GET, "/api/**"), Role.VIEWER),
			new Rule(PATHS.matcher(HttpMethod.HEAD, "/api/**"), Role.VIEWER),
			new Rule(PATHS.matcher(HttpMethod.OPTIONS, "/api/**"), Role.VIEWER),
			// everything else that changes something: domains, devices, checkpoint deletion, the
			// simulator's faults and workloads, and any method or path not listed above
			new Rule(PATHS.matcher("/api/**"), Role.ADMIN));

	private AccessRules() {
	}

	/** Installs the table; what it does not match (documentation, the error page) is public. */
	static void apply(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests(authorize -> {
			// an async or error dispatch continues a request that was authorized already
			authorize.dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC, jakarta.servlet.DispatcherType.ERROR)
				.permitAll();
			for (Rule rule : RULES) {
				if (rule.role() == null) {
					authorize.requestMatchers(rule.matcher()).permitAll();
				}
				else {
					authorize.requestMatchers(rule.matcher()).hasRole(rule.role().configName());
				}
			}
			authorize.anyRequest().permitAll();
		});
	}

	/** The role the request needs, if any. */
	static Optional<Role> required(HttpServletRequest request) {
		for (Rule rule : RULES) {
			if (rule.matcher().matches(request)) {
				return Optional.ofNullable(rule.role());
			}
		}
		return Optional.empty();
	}

}
