package org.xso.operation.internal;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.xso.problem.Problem;
import org.xso.problem.ProblemCode;
import org.xso.problem.Violation;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemColumnTests {

	private final ProblemColumn column = new ProblemColumn();

	@Test
	void keepsAProblemAsItWas() {
		Problem p = Problem.of(ProblemCode.CHECKPOINT_NOT_RESUMABLE, "the host cannot resume it")
			.withOperationId(UUID.randomUUID())
			.withCheckpointId(UUID.randomUUID())
			.withReasons(List.of("vbd/51712: no backend for the device runs on this host"))
			.withErrors(List.of(Violation.of("/strategy", "is required")));
		assertThat(column.convertToEntityAttribute(column.convertToDatabaseColumn(p))).isEqualTo(p);
	}

	/** Operations that ended before the domain had its own problem type stored the rendered document. */
	@Test
	void readsAProblemDocumentStoredByAnEarlierRelease() {
		UUID id = UUID.randomUUID();
		String stored = "{\"type\":\"urn:xso:problem:quiesce-timeout\",\"title\":\"The guest did not quiesce before"
				+ " the deadline\",\"status\":409,\"detail\":\"the guest's devices did not quiesce in time\","
				+ "\"instance\":\"/api/v1/operations/" + id + "\",\"code\":\"QUIESCE_TIMEOUT\"}";
		Problem p = column.convertToEntityAttribute(stored);
		assertThat(p.code()).isEqualTo(ProblemCode.QUIESCE_TIMEOUT);
		assertThat(p.detail()).isEqualTo("the guest's devices did not quiesce in time");
		assertThat(p.errors()).isEmpty();
		assertThat(p.reasons()).isEmpty();
	}

}
