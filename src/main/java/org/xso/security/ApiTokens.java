package org.xso.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The API tokens the service accepts, known only by their SHA-256: the bootstrap admin token's
 * file and the optional tokens file, re-read every {@code xso.security.reload-interval} so that a
 * token is added, rotated or revoked without a restart. A token is never logged.
 *
 * <p>
 * A token is 32 random bytes (256 bits), so a plain SHA-256 is the right hash: a slow password hash
 * (bcrypt, Argon2) protects guessable secrets and would cost every request milliseconds.
 *
 * <p>
 * Threads: {@link #reload()} runs on the start-up thread, then on the scheduler's thread only
 * (synchronized); request threads read {@link #byHash}, an immutable map replaced as a whole.
 */
@Component
public class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	/** A token the service issued or was given: {@code xso_} and 43 base64url characters. */
	static final String PREFIX = "xso_";

	/** Shorter admin-token files are refused: a guessable admin token is worse than none. */
	private static final int MIN_TOKEN_LENGTH = 24;

	private static final Pattern HASH = Pattern.compile("(?:sha256:)?([0-9a-fA-F]{64})");

	/** Token names appear in the audit trail and the logs: a small, safe alphabet. */
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

	/** A token's identity: its name (the audit trail shows {@code token:<name>}) and its role. */
	public record ApiToken(String name, Role role) {

		public String principal() {
			return "token:" + name;
		}

	}

	private final SecurityProperties properties;

	private volatile Map<String, ApiToken> byHash = Map.of();

	/** What the last reload saw, so that only a change is logged (guarded by {@code this}). */
	private @Nullable String lastSummary;

	public ApiTokens(SecurityProperties properties) {
		this.properties = properties;
		if (properties.bootstrapAdminToken()) {
			createAdminTokenIfAbsent(properties.adminTokenFile());
		}
		reload();
	}

	/** The token presented as a bearer credential, if it is one of ours. */
	public Optional<ApiToken> find(String presented) {
		return Optional.ofNullable(byHash.get(sha256(presented)));
	}

	/** Re-reads the token files; what cannot be read or parsed is logged (never a token) and skipped. */
	@Scheduled(fixedDelayString = "${xso.security.reload-interval:PT2S}",
			initialDelayString = "${xso.security.reload-interval:PT2S}")
	public synchronized void reload() {
		Map<String, ApiToken> tokens = new HashMap<>();
		Set<String> summary = new TreeSet<>();
		readAdminToken(tokens, summary);
		Path file = properties.apiTokensFile();
		if (file != null) {
			readTokensFile(file, tokens, summary);
		}
		byHash = Map.copyOf(tokens);
		String now = String.join(", ", summary);
		if (!now.equals(lastSummary)) {
			log.info("Accepting {} API token(s): {}", tokens.size(), now.isEmpty() ? "none" : now);
			lastSummary = now;
		}
	}

	private void readAdminToken(Map<String, ApiToken> tokens, Set<String> summary) {
		Path file = properties.adminTokenFile();
		String token;
		try {
			token = Files.readString(file, StandardCharsets.UTF_8).strip();
		}
		catch (NoSuchFileException e) {
			return;
		}
		catch (IOException e) {
			log.warn("Cannot read the admin token file {}: {}", file.toAbsolutePath(), e.toString());
			return;
		}
		if (token.length() < MIN_TOKEN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
			log.warn("The admin token file {} does not hold a token of at least {} printable characters; ignored",
					file.toAbsolutePath(), MIN_TOKEN_LENGTH);
			return;
		}
		tokens.put(sha256(token), new ApiToken("admin", Role.ADMIN));
		summary.add("admin (admin, " + file + ")");
	}

	private void readTokensFile(Path file, Map<String, ApiToken> tokens, Set<String> summary) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			log.warn("Cannot read the API tokens file {} ({}); accepting none of its tokens", file.toAbsolutePath(),
					e.getClass().getSimpleName());
			return;
		}
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			String[] fields = line.split("\\s+");
			String problem = null;
			var hash = fields.length == 3 ? HASH.matcher(fields[0]) : null;
			Optional<Role> role = fields.length == 3 ? Role.parse(fields[1]) : Optional.empty();
			if (fields.length != 3) {
				problem = "expected 3 fields (<sha256-hex> <role> <name>), found " + fields.length;
			}
			else if (!hash.matches()) {
				problem = "the first field is not a SHA-256 in hex (64 characters)";
			}
			else if (role.isEmpty()) {
				problem = "the role is not viewer, operator or admin";
			}
			else if (!NAME.matcher(fields[2]).matches()) {
				problem = "the name must be 1 to 64 of A-Z a-z 0-9 . _ @ - starting with a letter or digit";
			}
			if (problem != null) {
				// the line itself is not logged: a misplaced token must not reach the log
				log.warn("API tokens file {} line {}: {}; line ignored", file.toAbsolutePath(), i + 1, problem);
				continue;
			}
			tokens.put(hash.group(1).toLowerCase(java.util.Locale.ROOT), new ApiToken(fields[2], role.get()));
			summary.add(fields[2] + " (" + role.get().configName() + ")");
		}
	}

	/**
	 * Creates the bootstrap admin token when its file is absent: 256 random bits, written to a file
	 * created readable and writable by its owner only (on a POSIX file system), in a directory of its
	 * own. Logs where it is, never the token.
	 */
	static void createAdminTokenIfAbsent(Path file) {
		if (Files.exists(file)) {
			warnIfReadableByOthers(file);
			return;
		}
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		try {
			Path dir = file.toAbsolutePath().getParent();
			if (dir != null) {
				Files.createDirectories(dir);
			}
			if (posix) {
				Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			else {
				Files.createFile(file);
				var f = file.toFile();
				f.setReadable(false, false);
				f.setWritable(false, false);
				f.setReadable(true, true);
				f.setWritable(true, true);
			}
			Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
		}
		catch (FileAlreadyExistsException e) {
			return; // another instance on the same data directory created it first
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot create the admin token file " + file.toAbsolutePath()
					+ " (set xso.security.admin-token-file, or give API tokens by xso.security.api-tokens-file)", e);
		}
		log.info("Created an admin API token in {} (readable by its owner only). Send it as 'Authorization: Bearer "
				+ "<token>'; see the README on creating tokens for tools and people.", file.toAbsolutePath());
	}

	private static void warnIfReadableByOthers(Path file) {
		try {
			Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
			if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
				log.warn("The admin token file {} is readable by other users than its owner ({}); chmod 600 it",
						file.toAbsolutePath(), PosixFilePermissions.toString(perms));
			}
		}
		catch (UnsupportedOperationException | IOException e) {
			// not a POSIX file system, or gone since: nothing to check
		}
	}

	static String sha256(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

}
