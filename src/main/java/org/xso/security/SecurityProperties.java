package org.xso.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.security.*}: where API tokens come from, how JWT claims map to roles, and which
 * browser origins may call the API.
 *
 * @param adminTokenFile the bootstrap admin token: created on first start (owner-only) when absent
 * and {@code bootstrapAdminToken} is on; its content is accepted as an admin token while it exists
 * @param bootstrapAdminToken whether to create {@code adminTokenFile} when it is absent
 * @param apiTokensFile optional file of {@code <sha256-hex> <role> <name>} lines (a Kubernetes
 * Secret mount works): re-read every {@code reloadInterval}, so tokens are added, rotated and revoked
 * without a restart
 * @param reloadInterval how often the token files are re-read
 * @param jwt how a JWT's claims name the caller and its role
 * @param cors browser origins allowed to call the API (none by default)
 */
@ConfigurationProperties("xso.security")
public record SecurityProperties(@DefaultValue("data/admin-token") Path adminTokenFile,
		@DefaultValue("true") boolean bootstrapAdminToken, @Nullable Path apiTokensFile,
		@DefaultValue("PT2S") Duration reloadInterval, @DefaultValue Jwt jwt, @DefaultValue Cors cors) {

	/**
	 * @param principalClaim the claim that names the caller (recorded in the audit trail)
	 * @param rolesClaim the claim holding the caller's roles: a list or a space-separated string; a
	 * dotted path reaches a nested claim ({@code realm_access.roles} for Keycloak)
	 * @param roleMapping identity-provider values mapped to roles ({@code xso-admins: admin}); a
	 * value that is itself a role name ({@code viewer}, {@code operator}, {@code admin}) needs no entry
	 */
	public record Jwt(@DefaultValue("sub") String principalClaim, @DefaultValue("roles") String rolesClaim,
			@DefaultValue Map<String, String> roleMapping) {
	}

	/** @param allowedOrigins exact origins ({@code https://console.example.org}) allowed by CORS */
	public record Cors(@DefaultValue List<String> allowedOrigins) {
	}

}
