package org.xso.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

/** How a JWT's claims name the caller and its role, for the identity providers people plug in. */
class JwtRolesTests {

	private static Jwt jwt(Map<String, Object> claims) {
		Jwt.Builder b = Jwt.withTokenValue("t").header("alg", "RS256").issuedAt(Instant.now());
		claims.forEach(b::claim);
		return b.build();
	}

	private static List<String> roles(SecurityProperties.Jwt settings, Map<String, Object> claims) {
		return BearerAuthentication.converter(settings)
			.convert(jwt(claims))
			.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter(a -> a.startsWith("ROLE_")) // Spring Security adds FACTOR_BEARER, the factor used
			.toList();
	}

	@Test
	void aRoleIncludesTheRolesBelowIt() {
		var settings = new SecurityProperties.Jwt("sub", "roles", Map.of());
		assertThat(roles(settings, Map.of("sub", "a", "roles", List.of("operator"))))
			.containsExactlyInAnyOrder("ROLE_viewer", "ROLE_operator");
		assertThat(roles(settings, Map.of("sub", "a", "roles", List.of("viewer", "admin"))))
			.containsExactlyInAnyOrder("ROLE_viewer", "ROLE_operator", "ROLE_admin");
		assertThat(roles(settings, Map.of("sub", "a"))).isEmpty();
	}

	@Test
	void keycloakRealmRolesThroughAMapping() {
		var settings = new SecurityProperties.Jwt("preferred_username", "realm_access.roles",
				Map.of("xso-operators", "operator", "xso-admins", "admin"));
		Map<String, Object> claims = Map.of("sub", "f81d4fae", "preferred_username", "alice", "realm_access",
				Map.of("roles", List.of("offline_access", "xso-operators")));
		var auth = BearerAuthentication.converter(settings).convert(jwt(claims));
		assertThat(auth.getName()).isEqualTo("alice");
		assertThat(Role.highest(auth.getAuthorities())).contains(Role.OPERATOR);
	}

	@Test
	void aSpaceSeparatedScopeLikeClaim() {
		var settings = new SecurityProperties.Jwt("sub", "scope", Map.of("xso:read", "viewer"));
		assertThat(roles(settings, Map.of("sub", "svc", "scope", "openid xso:read"))).containsExactly("ROLE_viewer");
	}

}
