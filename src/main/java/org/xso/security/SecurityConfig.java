package org.xso.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's one security filter chain: stateless bearer authentication (API tokens and, where
 * an issuer or JWK set is configured, JWTs), the roles of {@link AccessRules}, problem details for
 * every refusal, no CORS unless configured, and no browser form able to change anything.
 *
 * <p>
 * CSRF protection is off because nothing here is authenticated by something a browser attaches on
 * its own: no session, no cookie, no HTTP Basic; a credential is an {@code Authorization} header
 * that a page on another site cannot set. {@link RequestGuards} refuse cross-origin and form
 * requests besides.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfig {

	@Bean
	SecurityProblems securityProblems(JsonMapper json) {
		return new SecurityProblems(json);
	}

	@Bean
	SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, ObjectProvider<JwtDecoder> jwtDecoder,
			SecurityProperties properties, SecurityProblems problems) throws Exception {
		Set<String> origins = allowedOrigins(properties.cors().allowedOrigins());
		BearerAuthentication authentication = new BearerAuthentication(tokens, jwtDecoder.getIfAvailable(),
				properties.jwt());
		http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.cors(cors -> cors.configurationSource(corsSource(origins)))
			.oauth2ResourceServer(rs -> rs.authenticationManagerResolver(request -> authentication)
				.authenticationEntryPoint(problems)
				.accessDeniedHandler(problems))
			.exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.addFilterBefore(new RequestGuards.CrossOrigin(origins, problems), SecurityContextHolderFilter.class)
			.addFilterAfter(new RequestGuards.JsonOnly(problems), AuthorizationFilter.class)
			// the security headers are written before the request is handled, not while the filter chain
			// unwinds: an event stream is written by its own thread meanwhile, and two threads must not
			// change one response's headers at once (spring-security#9175; a test's response map threw
			// ConcurrentModificationException). Nothing here overrides the cache headers they set.
			.headers(headers -> headers.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
				@Override
				public <O extends HeaderWriterFilter> O postProcess(O filter) {
					filter.setShouldWriteHeadersEagerly(true);
					return filter;
				}
			}));
		AccessRules.apply(http);
		return http.build();
	}

	@Bean
	RequestRejectedHandler firewallProblems(SecurityProblems problems) {
		return new FirewallProblems(problems);
	}

	private static Set<String> allowedOrigins(List<String> configured) {
		Set<String> origins = new LinkedHashSet<>();
		for (String o : configured) {
			String origin = o.strip();
			if (!RequestGuards.isOrigin(origin) || origin.equals("*")) {
				throw new IllegalArgumentException("xso.security.cors.allowed-origins: '" + RequestGuards.printable(o)
						+ "' is not an origin (scheme://host[:port], no path, no wildcard)");
			}
			origins.add(origin);
		}
		return Set.copyOf(origins);
	}

	/** CORS for the configured origins only: the API's methods and the headers it reads and sets. */
	private static UrlBasedCorsConfigurationSource corsSource(Set<String> origins) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (origins.isEmpty()) {
			return source; // no configuration: no CORS headers, and CrossOrigin refuses other origins
		}
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(List.copyOf(origins));
		cors.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name(), HttpMethod.PATCH.name(),
				HttpMethod.DELETE.name()));
		cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.IF_MATCH,
				HttpHeaders.ACCEPT, "Idempotency-Key", "Last-Event-ID"));
		cors.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.ETAG, "Idempotent-Replayed"));
		cors.setAllowCredentials(false);
		cors.setMaxAge(600L);
		source.registerCorsConfiguration("/api/**", cors);
		return source;
	}

}
