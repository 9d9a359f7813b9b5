package org.xso.web.fuzz;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated client decodes an answer by its status: so every status of every operation of
 * {@code openapi.yaml} has one media type, one body, and an operation's success statuses (202, or
 * 200 when the client waited for the operation to finish) all have the same body.
 */
class OneBodyPerAnswerTests {

	private final Contract contract = Contract.load(Path.of("openapi.yaml"));

	@Test
	void everyOperationHasOneSuccessBodyAndEveryStatusOneBody() {
		for (Contract.Operation op : contract.operations()) {
			assertThat(op.responses()
				.entrySet()
				.stream()
				.filter(r -> String.valueOf(r.getKey()).startsWith("2"))
				.map(r -> contract.deref(Contract.map(r.getValue())).get("content"))
				.distinct()).as("success bodies of %s", op).hasSize(1);
			for (Map.Entry<String, Object> response : op.responses().entrySet()) {
				Map<String, Object> content = Contract.map(contract.deref(Contract.map(response.getValue())).get("content"));
				assertThat(content).as("media types of %s answering %s", op, response.getKey()).hasSizeLessThanOrEqualTo(1);
			}
		}
	}

}
