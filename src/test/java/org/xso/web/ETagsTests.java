package org.xso.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ETagsTests {

	@Test
	void matchesTheCurrentTagAnyTagOfAListOrAStar() {
		assertThat(ETags.matches("\"3\"", "\"3\"")).isTrue();
		assertThat(ETags.matches("\"1\", \"3\"", "\"3\"")).isTrue();
		assertThat(ETags.matches("*", "\"3\"")).isTrue();
	}

	@Test
	void neverMatchesAWeakTagBecauseIfMatchComparesStrongly() {
		assertThat(ETags.matches("W/\"3\"", "\"3\"")).isFalse();
	}

	@Test
	void failsAStaleIfMatchWithTheCurrentTag() {
		assertThatThrownBy(() -> ETags.checkIfMatch("\"2\"", "\"3\"")).isInstanceOfSatisfying(ProblemException.class,
				p -> {
					assertThat(p.code()).isEqualTo(ProblemCode.PRECONDITION_FAILED);
					assertThat(p.toBody("/x").etag()).isEqualTo("\"3\"");
				});
	}

	@Test
	void letsARequestWithoutIfMatchThrough() {
		ETags.checkIfMatch(null, "\"3\"");
		ETags.checkIfMatch(" ", "\"3\"");
	}

}
