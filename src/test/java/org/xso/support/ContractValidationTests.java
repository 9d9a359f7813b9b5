package org.xso.support;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator really rejects what the contract does not allow (so the integration tests mean something). */
class ContractValidationTests {

	private static final String PROBLEM = """
			{"type":"urn:xso:problem:domain-not-found","title":"No such domain","status":404,
			 "code":"DOMAIN_NOT_FOUND"%s}""";

	@Test
	void acceptsADeclaredProblem() {
		assertThat(validate(PROBLEM.formatted("")).hasErrors()).isFalse();
	}

	@Test
	void rejectsAnUndeclaredProperty() {
		assertThat(validate(PROBLEM.formatted(",\"stack\":\"x\"")).hasErrors()).isTrue();
	}

	@Test
	void rejectsAnUnknownCode() {
		assertThat(validate(PROBLEM.replace("DOMAIN_NOT_FOUND", "NO_SUCH_THING").formatted("")).hasErrors()).isTrue();
	}

	@Test
	void rejectsAnUndeclaredStatusWithoutAProblemBody() {
		var response = SimpleResponse.Builder.status(404).withContentType("application/json").withBody("{}").build();
		assertThat(ContractValidation.VALIDATOR.validateResponse("/api/v1/domains/1", Request.Method.GET, response)
			.hasErrors()).isTrue();
	}

	private static com.atlassian.oai.validator.report.ValidationReport validate(String body) {
		var response = SimpleResponse.Builder.status(404)
			.withContentType("application/problem+json")
			.withBody(body)
			.build();
		return ContractValidation.VALIDATOR.validateResponse("/api/v1/domains/1", Request.Method.GET, response);
	}

}
