package org.xso.web;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.xso.problem.ProblemCode;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTypeTests {

	@Test
	void publishesEveryDomainCodeUnderItsOwnName() {
		for (ProblemCode code : ProblemCode.values()) {
			assertThat(ProblemType.of(code).name()).isEqualTo(code.name());
		}
	}

	@Test
	void keepsTheCodesOnlyHttpHasOutOfTheDomain() {
		assertThat(Arrays.stream(ProblemCode.values()).map(Enum::name)).doesNotContain("MALFORMED_JSON",
				"MALFORMED_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED",
				"UNSUPPORTED_MEDIA_TYPE", "NOT_ACCEPTABLE", "CROSS_ORIGIN_REFUSED");
	}

}
