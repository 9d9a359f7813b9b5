package org.xso.web;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import com.github.fge.jsonschema.core.util.RegexECMA262Helper;
import org.junit.jupiter.api.Test;
import org.xso.config.GuestConfig;
import org.xso.text.SafeText;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract's {@code pattern}s are ECMA-262 regular expressions (what its validators and
 * clients run); the service checks the same rules with {@link Pattern}. These tests hold every
 * pattern in openapi.yaml to meaning the same in both, on hostile and ordinary text, and the
 * domain name's rule to being the contract's, character for character.
 */
class ContractPatternsTests {

	private static final List<String> HOSTILE = List.of("", " ", "x\n\u001b[31mFAKE LOG LINE", "guest\n", "\nguest",
			"guest\r", "nul\u0000name", "rtl\u202Eexe.txt", "\u202E", "\uFEFFbom", "zero\u200Bwidth", "line\u2028sep",
			"next\u0085line", "<script>alert(1)</script>", "../../etc/passwd", "/local/../../etc/passwd", "..",
			"guest 7", "tab\there", "ünïcödé", "\u212Aelvin", "\uFF11\uFF12", "\u00A0", "-guest", ".guest", "_guest",
			"x".repeat(64), "x".repeat(65), "k".repeat(128), "k".repeat(129), "9".repeat(18), "9".repeat(19));

	private static final List<String> ORDINARY = List.of("guest-7", "a", "Z", "0", "demo-1", "A.b_c-9",
			"bench-1000", "00:16:3e:00:00:09", "00:16:3E:00:00:09", "operation", "operation,xenbus.state",
			"checkpoint.created,domain.power", "/", "/local/domain", "/local/domain/1/device/vbd/51712", "12345",
			"key-1:2.3_4", "\"0\"", "*");

	/** Characters that mean something to one of the patterns, or to a terminal, or to neither. */
	private static final String ALPHABET = "aZk09._-:/@, *\"\n\r\t\u0000\u001b\u202e\u200b\ufeff\u2028\u0085\u00e4\u212a\uff11";

	@Test
	void giveTheDomainNameTheRuleTheServiceEnforces() throws IOException {
		Map<String, Object> name = map(map(map(map(map(contract().get("components")).get("schemas"))
			.get("CreateDomainRequest")).get("properties")).get("name"));
		assertThat(name.get("pattern")).isEqualTo(GuestConfig.NAME_PATTERN);
		assertThat(name.get("minLength")).isEqualTo(1);
		assertThat(name.get("maxLength")).isEqualTo(64);
	}

	@Test
	void meanTheSameInJavaAsInEcmaScript() throws IOException {
		Set<String> patterns = new LinkedHashSet<>();
		collect(contract(), patterns);
		assertThat(patterns).contains(GuestConfig.NAME_PATTERN).hasSizeGreaterThan(5);
		Random random = new Random(11);
		List<String> samples = new ArrayList<>(HOSTILE);
		samples.addAll(ORDINARY);
		for (int i = 0; i < 400; i++) {
			samples.add(randomText(random));
		}
		for (String pattern : patterns) {
			// anchored at both ends, so the validator's search and the service's whole match agree
			assertThat(pattern).startsWith("^").endsWith("$");
			Pattern java = Pattern.compile(pattern);
			for (String sample : samples) {
				assertThat(java.matcher(sample).matches())
					.as("%s on %s", pattern, org.xso.text.SafeText.quote(sample))
					.isEqualTo(RegexECMA262Helper.regMatch(pattern, sample));
			}
		}
	}

	@Test
	void refuseTheHostileNamesAndTakeTheOrdinaryOnes() {
		Pattern name = Pattern.compile(GuestConfig.NAME_PATTERN);
		for (String hostile : List.of("x\n\u001b[31mFAKE LOG LINE", "nul\u0000name", "rtl\u202Eexe.txt",
				"<script>alert(1)</script>", "../../etc/passwd", "guest\n", "\uFEFFbom", "zero\u200Bwidth", "guest 7",
				"-guest", "x".repeat(65), "")) {
			assertThat(name.matcher(hostile).matches()).as(org.xso.text.SafeText.quote(hostile)).isFalse();
			assertThat(RegexECMA262Helper.regMatch(GuestConfig.NAME_PATTERN, hostile)).isFalse();
		}
		for (String ordinary : List.of("guest-7", "demo-1", "A.b_c-9", "0", "x".repeat(64))) {
			assertThat(name.matcher(ordinary).matches()).as(ordinary).isTrue();
		}
	}

	private static String randomText(Random random) {
		int length = random.nextInt(4) == 0 ? random.nextInt(140) : random.nextInt(12);
		StringBuilder s = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return s.toString();
	}

	private static void collect(Object node, Set<String> patterns) {
		if (node instanceof Map<?, ?> m) {
			m.forEach((k, v) -> {
				if ("pattern".equals(k) && v instanceof String p) {
					patterns.add(p);
				}
				else {
					collect(v, patterns);
				}
			});
		}
		else if (node instanceof List<?> l) {
			l.forEach(v -> collect(v, patterns));
		}
	}

	private static Map<String, Object> contract() throws IOException {
		try (Reader in = Files.newBufferedReader(Path.of("openapi.yaml"))) {
			return new Yaml().load(in);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object o) {
		return (Map<String, Object>) o;
	}

}
