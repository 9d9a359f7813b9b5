package org.xso.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ApiTokensTests {

	@TempDir
	Path dir;

	private SecurityProperties properties(Path admin, boolean bootstrap, Path tokens) {
		return new SecurityProperties(admin, bootstrap, tokens, Duration.ofSeconds(2),
				new SecurityProperties.Jwt("sub", "roles", Map.of()), new SecurityProperties.Cors(List.of()));
	}

	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	void theBootstrapTokenIsCreatedOnceOwnerOnlyAndItsPathIsLoggedNeverItself(CapturedOutput output) throws Exception {
		Path file = dir.resolve("data/admin-token");
		ApiTokens tokens = new ApiTokens(properties(file, true, null));
		String token = Files.readString(file).strip();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(tokens.find(token)).hasValueSatisfying(t -> {
			assertThat(t.role()).isEqualTo(Role.ADMIN);
			assertThat(t.principal()).isEqualTo("token:admin");
		});
		assertThat(output.getAll()).contains("Created an admin API token in " + file.toAbsolutePath())
			.doesNotContain(token);

		// the next start keeps it
		new ApiTokens(properties(file, true, null));
		assertThat(Files.readString(file).strip()).isEqualTo(token);
		assertThat(output.getAll()).doesNotContain(token);
	}

	@Test
	void withTheBootstrapOffNoFileIsCreatedAndNoTokenAccepted() {
		Path file = dir.resolve("admin-token");
		ApiTokens tokens = new ApiTokens(properties(file, false, null));
		assertThat(file).doesNotExist();
		assertThat(tokens.find("xso_anything-at-all-0123456789abcdef")).isEmpty();
	}

	@Test
	void aBadLineIsSkippedAndNotLoggedAndTheOthersWork(CapturedOutput output) throws Exception {
		String good = "xso_good-token-0123456789abcdefghijklmnopq";
		String misplaced = "xso_a-token-pasted-where-its-hash-belongs-0123";
		Path file = dir.resolve("api-tokens");
		Files.writeString(file, "# tools\n" + misplaced + " operator oops\n" + ApiTokens.sha256(good)
				+ " operator ci-pipeline\n" + ApiTokens.sha256("x") + " root someone\n" + ApiTokens.sha256("y")
				+ " viewer bad\u001bname\n");
		ApiTokens tokens = new ApiTokens(properties(dir.resolve("none"), false, file));
		assertThat(tokens.find(good)).hasValueSatisfying(t -> assertThat(t.principal()).isEqualTo("token:ci-pipeline"));
		assertThat(tokens.find(misplaced)).isEmpty();
		assertThat(output.getAll()).contains("line 2: the first field is not a SHA-256", "line 4: the role is not",
				"line 5: the name must be").doesNotContain(misplaced).doesNotContain("\u001b");
	}

	@Test
	void aShortAdminTokenIsRefused() throws Exception {
		Path file = dir.resolve("admin-token");
		Files.writeString(file, "admin\n");
		assertThat(new ApiTokens(properties(file, true, null)).find("admin")).isEmpty();
	}

}
