package org.xso.audit;

import java.security.Principal;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PrincipalsTests {

	@Test
	void recordsARequestWithoutAPrincipalAsAnonymous() {
		assertThat(Principals.of(null)).isEqualTo("anonymous");
		assertThat(Principals.of(() -> "")).isEqualTo("anonymous");
	}

	@Test
	void recordsACallersNameAsItIs() {
		Principal alice = () -> "alice@example.org";
		assertThat(Principals.of(alice)).isEqualTo("alice@example.org");
		assertThat(Principals.of(() -> "Jürgen 山田")).isEqualTo("Jürgen 山田");
	}

	@Test
	void replacesControlCharactersSoANameCannotForgeALogLine() {
		assertThat(Principals.of(() -> "mallory\n2026-01-01 INFO admin\u0000\u0085"))
			.isEqualTo("mallory\uFFFD2026-01-01 INFO admin\uFFFD\uFFFD");
	}

	@Test
	void cutsALongNameToTheColumnWithAnEllipsis() {
		String recorded = Principals.of(() -> "a".repeat(300));
		assertThat(recorded).hasSize(Principals.MAX_LENGTH).endsWith("a\u2026");
		assertThat(Principals.valid(recorded)).isTrue();
		assertThat(Principals.of(() -> "b".repeat(Principals.MAX_LENGTH))).isEqualTo("b".repeat(Principals.MAX_LENGTH));
	}

	@Test
	void neverCutsASurrogatePairInHalf() {
		String name = "x".repeat(Principals.MAX_LENGTH - 2) + "😀😀"; // the first emoji straddles the cut
		String recorded = Principals.recordable(name);
		assertThat(recorded).isEqualTo("x".repeat(Principals.MAX_LENGTH - 2) + "\u2026");
		assertThat(recorded.codePoints().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
	}

	@Test
	void acceptsOnlyRecordableNames() {
		assertThat(Principals.valid("system")).isTrue();
		assertThat(Principals.valid("")).isFalse();
		assertThat(Principals.valid("a\tb")).isFalse();
		assertThat(Principals.valid("c".repeat(Principals.MAX_LENGTH + 1))).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> Principals.require("a\u007fb"))
			.withMessageContaining("a\u007fb");
	}

	@Test
	void aCauseNamesAValidPrincipal() {
		UUID op = UUID.randomUUID();
		assertThat(Cause.operation("alice", op)).isEqualTo(new Cause("alice", op));
		assertThat(Cause.SYSTEM.principal()).isEqualTo("system");
		assertThat(Cause.request("bob").operationId()).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> Cause.request(""));
	}

}
