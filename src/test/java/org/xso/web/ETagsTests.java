package org.xso.web;

import org.junit.jupiter.api.Test;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ETagsTests {

	@Test
	void matchesTheCurrentTagAnyTagOfAListOrAStar() {
		assertThat(ETags.ifMatch("\"3\"").holdsFor("\"3\"")).isTrue();
		assertThat(ETags.ifMatch("\"1\", \"3\"").holdsFor("\"3\"")).isTrue();
		assertThat(ETags.ifMatch("*").holdsFor("\"3\"")).isTrue();
		assertThat(ETags.ifMatch("\"1\", \"2\"").holdsFor("\"3\"")).isFalse();
	}

	@Test
	void neverMatchesAWeakTagBecauseIfMatchComparesStrongly() {
		assertThat(ETags.ifMatch("W/\"3\"").holdsFor("\"3\"")).isFalse();
	}

	@Test
	void failsAStaleIfMatchWithTheCurrentTag() {
		assertThatThrownBy(() -> ETags.ifMatch("\"2\"").check("\"3\"")).isInstanceOfSatisfying(ProblemException.class,
				p -> {
					assertThat(p.code()).isEqualTo(ProblemCode.PRECONDITION_FAILED);
					assertThat(ApiProblemException.of(p).toBody("/x").etag()).isEqualTo("\"3\"");
				});
	}

	@Test
	void letsARequestWithoutIfMatchThrough() {
		ETags.ifMatch(null).check("\"3\"");
		ETags.ifMatch(" ").check("\"3\"");
	}

}
