package org.xso.support;

import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The API tokens every test context accepts (their hashes are in
 * {@code src/test/resources/security/api-tokens}), one per role.
 */
public final class TestTokens {

	public static final String VIEWER = "xso_test-viewer-0123456789abcdefghijklmnopq";

	public static final String OPERATOR = "xso_test-operator-0123456789abcdefghijklmno";

	public static final String ADMIN = "xso_test-admin-0123456789abcdefghijklmnopqr";

	private TestTokens() {
	}

	/**
	 * A credential with exactly {@code role}: the test token of that role, or a JWT whose subject is
	 * {@code jwt-<role>} and whose roles claim names it.
	 */
	public static RequestPostProcessor asRole(org.xso.security.Role role, boolean jwt) {
		if (jwt) {
			return bearer(TestJwts.jwt("jwt-" + role.configName(), role.configName()));
		}
		return bearer(switch (role) {
			case VIEWER -> VIEWER;
			case OPERATOR -> OPERATOR;
			case ADMIN -> ADMIN;
		});
	}

	/** No {@code Authorization} header, whatever the test's defaults add. */
	public static RequestPostProcessor none() {
		return request -> {
			request.removeHeader("Authorization");
			return request;
		};
	}

	/** {@code Authorization: Bearer <token>} on a MockMvc request. */
	public static RequestPostProcessor bearer(String token) {
		return request -> {
			request.removeHeader("Authorization");
			request.addHeader("Authorization", "Bearer " + token);
			return request;
		};
	}

}
