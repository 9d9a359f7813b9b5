package org.xso.web.fuzz;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated client decodes an answer by its status: so every operation of {@code openapi.yaml}
 * has exactly one success status, and every status one media type, one body.
 */
class OneBodyPerAnswerTests {

	private final Contract contract = Contract.load(Path.of("openapi.yaml"));

	@Test
	void everyOperationHasOneSuccessAndEveryStatusOneBody() {
		for (Contract.Operation op : contract.operations()) {
			assertThat(op.responses().keySet().stream().map(String::valueOf).filter(c -> c.startsWith("2")))
				.as("success statuses of %s", op)
				.hasSize(1);
			for (Map.Entry<String, Object> response : op.responses().entrySet()) {
				Map<String, Object> content = Contract.map(contract.deref(Contract.map(response.getValue())).get("content"));
				assertThat(content).as("media types of %s answering %s", op, response.getKey()).hasSizeLessThanOrEqualTo(1);
			}
		}
	}

}
