package org.xso.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.xso.audit.Principals;

/**
 * Authenticates a bearer token: a JWT (three dot-separated parts) through the configured
 * {@link JwtDecoder} (issuer or JWK set), anything else as one of the service's {@link ApiTokens}.
 * Choosing by shape gives each kind its own error instead of the last provider's.
 */
final class BearerAuthentication implements AuthenticationManager {

	private final AuthenticationProvider apiTokens;

	private final @Nullable AuthenticationProvider jwts;

	BearerAuthentication(ApiTokens tokens, @Nullable JwtDecoder jwtDecoder, SecurityProperties.Jwt jwt) {
		this.apiTokens = new OpaqueTokenAuthenticationProvider(introspector(tokens));
		if (jwtDecoder != null) {
			JwtAuthenticationProvider provider = new JwtAuthenticationProvider(jwtDecoder);
			JwtAuthenticationConverter converter = converter(jwt);
			provider.setJwtAuthenticationConverter(token -> {
				var authentication = converter.convert(token);
				if (authentication == null || isReserved(authentication.getName())) {
					// the audit trail's own names: no identity provider may claim them
					throw new InvalidBearerTokenException("the JWT's principal claim '" + jwt.principalClaim()
							+ "' is missing or names a principal reserved by the service");
				}
				return authentication;
			});
			this.jwts = provider;
		}
		else {
			this.jwts = null;
		}
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
			throw new InvalidBearerTokenException("not a bearer token");
		}
		if (looksLikeJwt(bearer.getToken())) {
			if (jwts == null) {
				throw new InvalidBearerTokenException(
						"the token is a JWT, and no issuer or JWK set is configured to verify it");
			}
			return jwts.authenticate(bearer);
		}
		return apiTokens.authenticate(bearer);
	}

	/**
	 * Names the audit trail gives what no caller asked ({@code system}, {@code anonymous}) and API
	 * tokens' names ({@code token:...}): a JWT naming one would be mistaken for them.
	 */
	static boolean isReserved(@Nullable String name) {
		return name == null || name.isBlank() || name.equals(Principals.SYSTEM) || name.equals(Principals.ANONYMOUS)
				|| name.startsWith("token:");
	}

	static boolean looksLikeJwt(String token) {
		return token.chars().filter(c -> c == '.').count() == 2;
	}

	private static OpaqueTokenIntrospector introspector(ApiTokens tokens) {
		return token -> tokens.find(token)
			.map(t -> new DefaultOAuth2AuthenticatedPrincipal(t.principal(),
					Map.of("token_name", t.name(), "role", t.role().configName()), t.role().grantedAuthorities()))
			.orElseThrow(() -> new BadOpaqueTokenException("unknown or revoked API token"));
	}

	/**
	 * The caller is the configured principal claim ({@code sub} by default); its role is the
	 * highest of the roles its roles claim names, directly or through the role mapping. A JWT that
	 * names no known role authenticates with no role: every API request then answers 403.
	 */
	static JwtAuthenticationConverter converter(SecurityProperties.Jwt settings) {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setPrincipalClaimName(settings.principalClaim());
		converter.setJwtGrantedAuthoritiesConverter(jwt -> authorities(jwt, settings));
		return converter;
	}

	private static Collection<GrantedAuthority> authorities(Jwt jwt, SecurityProperties.Jwt settings) {
		Role best = null;
		for (String value : claimValues(jwt.getClaims(), settings.rolesClaim())) {
			String mapped = settings.roleMapping().getOrDefault(value, value);
			Role role = Role.parse(mapped).orElse(null);
			if (role != null && (best == null || role.ordinal() > best.ordinal())) {
				best = role;
			}
		}
		return best == null ? List.of() : best.grantedAuthorities();
	}

	/** The strings at a dotted claim path: a list's elements, or a space-separated string's words. */
	static Set<String> claimValues(Map<String, Object> claims, String path) {
		Object node = claims;
		for (String part : path.split("\\.")) {
			if (!(node instanceof Map<?, ?> map)) {
				return Set.of();
			}
			node = map.get(part);
		}
		Set<String> values = new LinkedHashSet<>();
		if (node instanceof Collection<?> list) {
			for (Object o : list) {
				if (o instanceof String s) {
					values.add(s);
				}
			}
		}
		else if (node instanceof String s) {
			values.addAll(List.of(s.trim().split("\\s+")));
		}
		return values;
	}

}
