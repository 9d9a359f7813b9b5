package org.xso.support;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A local identity provider: an RSA key made for this JVM, a {@link JwtDecoder} that trusts it (as
 * one built from an issuer's JWK set would), and JWTs signed with it.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestJwts {

	private static final KeyPair KEY = generate();

	/** A key the service does not trust, for a token that must be refused. */
	private static final KeyPair STRANGER = generate();

	@Bean
	JwtDecoder jwtDecoder() {
		return NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic()).build();
	}

	/** The identity provider's public key, as a PEM file for {@code ...jwt.public-key-location}. */
	public static String publicKeyPem() {
		String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
			.encodeToString(KEY.getPublic().getEncoded());
		return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
	}

	/** A JWT for {@code subject} with these values in its {@code roles} claim, valid for 5 minutes. */
	public static String jwt(String subject, String... roles) {
		return sign(KEY, subject, Map.of("roles", List.of(roles)), Instant.now().plusSeconds(300));
	}

	/** A JWT with arbitrary extra claims. */
	public static String jwt(String subject, Map<String, Object> claims) {
		return sign(KEY, subject, claims, Instant.now().plusSeconds(300));
	}

	public static String expired(String subject, String... roles) {
		return sign(KEY, subject, Map.of("roles", List.of(roles)), Instant.now().minusSeconds(600));
	}

	public static String signedByAStranger(String subject, String... roles) {
		return sign(STRANGER, subject, Map.of("roles", List.of(roles)), Instant.now().plusSeconds(300));
	}

	private static String sign(KeyPair key, String subject, Map<String, Object> claims, Instant expiry) {
		JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().subject(subject)
			.issuer("https://idp.test.invalid")
			.issueTime(Date.from(expiry.minusSeconds(600)))
			.expirationTime(Date.from(expiry));
		claims.forEach(set::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), set.build());
		try {
			jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
		return jwt.serialize();
	}

	private static KeyPair generate() {
		try {
			KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
			g.initialize(2048);
			return g.generateKeyPair();
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

}
