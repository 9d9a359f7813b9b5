package org.xso.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipes for a new API token, run verbatim: the README's (only the tokens file's path differs),
 * whose printed token is accepted with the role and name it wrote, and docs/helm.md's.
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class ReadmeTokenRecipeTests {

	private static final Pattern RECIPE = Pattern.compile("```sh\\n(\\s*TOKEN=.*?)```", Pattern.DOTALL);

	@TempDir
	Path dir;

	@Test
	void theRecipesTokenIsAccepted() throws Exception {
		String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
		Matcher m = RECIPE.matcher(readme);
		assertThat(m.find()).as("the README has the token recipe").isTrue();
		Path file = dir.resolve("api-tokens");
		String script = m.group(1).replace("/etc/xso/api-tokens", file.toString());
		Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
		assertThat(p.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertThat(p.exitValue()).as(printed).isZero();

		ApiTokens tokens = new ApiTokens(new SecurityProperties(dir.resolve("none"), false, file, Duration.ofSeconds(2),
				new SecurityProperties.Jwt("sub", "roles", Map.of()), new SecurityProperties.Cors(List.of())));
		assertThat(printed).startsWith("xso_").hasSize(4 + 43);
		assertThat(tokens.find(printed)).hasValueSatisfying(t -> {
			assertThat(t.role()).isEqualTo(Role.OPERATOR);
			assertThat(t.principal()).isEqualTo("token:ci-pipeline");
		});
		assertThat(Files.readString(file)).doesNotContain(printed);
	}

	/**
	 * docs/helm.md's recipe, run verbatim, then the token it made printed too: the hash it printed
	 * for the chart's values is the one the service compares.
	 */
	@Test
	void theHelmPagesRecipePrintsTheHashTheServiceCompares() throws Exception {
		String page = Files.readString(Path.of("docs/helm.md"), StandardCharsets.UTF_8);
		Matcher m = Pattern.compile("```sh\\n(TOKEN=.*?)```", Pattern.DOTALL).matcher(page);
		assertThat(m.find()).as("docs/helm.md has the token recipe").isTrue();
		Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", m.group(1) + "echo \"$TOKEN\"\n")
			.redirectErrorStream(true)
			.start();
		assertThat(p.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList();
		assertThat(p.exitValue()).as("%s", lines).isZero();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(1)).startsWith("xso_").hasSize(4 + 43);
		assertThat(lines.get(0)).matches("[0-9a-f]{64}").isEqualTo(ApiTokens.sha256(lines.get(1)));
	}

}
