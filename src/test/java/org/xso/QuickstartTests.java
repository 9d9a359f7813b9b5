package org.xso;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xso.support.Database;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the curl commands of the README's quick start verbatim (only the port and the admin token's
 * file differ, and each block sees what the blocks before it exported) against the
 * running service with its demo guests on the simulator, workloads running, so the documented
 * commands keep working and show what they claim (0 lost, 0 duplicated, all refs new).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "xso.hypervisor=sim", "xso.sim.snapshot-dir=target/quickstart-disks", "xso.demo.enabled=true",
				"xso.instance-id=quickstart", "xso.security.bootstrap-admin-token=true",
				"xso.security.admin-token-file=target/quickstart/data/admin-token",
				"spring.datasource.url=jdbc:h2:mem:xso-quickstart;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@EnabledOnOs({ OS.LINUX, OS.MAC })
class QuickstartTests {

	private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

	/** The admin token file of this run: the service writes it at start, as on a first start. */
	private static final Path ADMIN_TOKEN = Path.of("target/quickstart/data/admin-token");

	static {
		try {
			Files.deleteIfExists(ADMIN_TOKEN);
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void theDocumentedCommandsWorkVerbatim() throws Exception {
		List<String> blocks = blocks();
		assertThat(blocks).hasSize(13);
		List<String> out = new ArrayList<>();
		// what a block exports stays set for the blocks after it, as in the reader's terminal
		StringBuilder exports = new StringBuilder();
		for (String block : blocks) {
			String script = block.replace("localhost:8080", "localhost:" + port)
				.replace("data/admin-token", ADMIN_TOKEN.toString());
			out.add(run(exports + script));
			script.lines().filter(l -> l.startsWith("export ")).forEach(l -> exports.append(l).append('\n'));
			Database.awaitQuiet(jdbc);
		}
		out.remove(0); // the token's export prints nothing
		assertThat(exports.toString()).contains("XSO_TOKEN");
		assertThat(out.get(0)).contains("\"name\":\"demo-1\"", "\"name\":\"demo-2\"");
		assertThat(out.remove(1)).contains("\"suspendable\":true", "\"hostChecked\":true");
		assertThat(out.get(1)).contains("HTTP/1.1 202").containsIgnoringCase("location: /api/v1/operations/");
		assertThat(out.get(2)).contains("\"kind\":\"SUSPEND\"", "event:operation", "event:xenbus.state");
		assertThat(out.get(3)).contains("\"manifest\"", "\"grants\"", "\"ok\":true");
		assertThat(out.get(4)).contains("\"resumable\":true");
		assertThat(out.get(5)).contains("HTTP/1.1 202", "\"kind\":\"RESUME\"");
		assertThat(out.get(6)).contains("\"state\":\"SUCCEEDED\"", "\"allRefsNew\":true")
			.doesNotContain("\"allRefsNew\":false");
		assertThat(out.get(7)).contains("\"kind\":\"SUSPEND\"", "\"kind\":\"RESUME\"", "\"state\":\"SUCCEEDED\"")
			.doesNotContain("\"state\":\"RUNNING\"", "\"state\":\"PENDING\"", "\"state\":\"FAILED\"");
		assertThat(out.get(8)).contains("\"lost\":0", "\"duplicated\":0", "\"mismatches\":0");
		assertThat(out.get(9)).contains("\"state\":\"PAUSED\",\"powerState\":\"PAUSED\"",
				"\"state\":\"RUNNING\",\"powerState\":\"RUNNING\"");
		assertThat(out.get(10)).contains("\"code\":\"PRECONDITION_FAILED\"");
	}

	private static List<String> blocks() throws IOException {
		String md = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
		List<String> blocks = new ArrayList<>();
		Matcher m = BASH_BLOCK.matcher(md);
		while (m.find()) {
			blocks.add(m.group(1));
		}
		return blocks;
	}

	private static String run(String script) throws Exception {
		Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
		if (!p.waitFor(Duration.ofSeconds(120).toMillis(), TimeUnit.MILLISECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("timed out: " + script);
		}
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.exitValue()).as("%s\n%s", script, output).isZero();
		return output;
	}

}
