package org.xso.web.operation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationRequests;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Operations;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.operation.Submitted;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.support.AdminByDefault;
import org.xso.support.ContractValidation;
import org.xso.web.ETags;
import org.xso.web.StrictJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** The operation endpoints alone, their services mocked; responses still checked against the contract. */
@AutoConfigureMockMvc(addFilters = false) // a slice of the controller; AccessControlTests covers security
@WebMvcTest(OperationController.class)
@Import({ StrictJson.class, ContractValidation.class, AdminByDefault.class, OperationResponses.class })
class OperationControllerSliceTests {

	private static final UUID ID = UUID.fromString("7b0c2f0e-7f3a-4c55-9a57-9f2e0c7d1a01");

	private static final UUID CHECKPOINT = UUID.fromString("5e1d3a4b-0c2d-4e6f-8a9b-0c1d2e3f4a5b");

	@Autowired
	MockMvc mvc;

	@MockitoBean
	OperationQueries queries;

	@MockitoBean
	Operations operations;

	@Test
	void rendersAnUnknownOperationAsAProblem() throws Exception {
		given(queries.view(ID)).willThrow(new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + ID));
		MvcResult r = mvc.perform(get("/api/v1/operations/" + ID)).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(404);
		assertThat(r.getResponse().getContentType()).isEqualTo("application/problem+json");
		assertThat(r.getResponse().getContentAsString()).contains("\"code\":\"OPERATION_NOT_FOUND\"")
			.contains("\"instance\":\"/api/v1/operations/" + ID + "\"");
	}

	@Test
	void namesTheOperationWhenItCannotBeCancelled() throws Exception {
		given(operations.cancel(eq(ID), any())).willThrow(
				new ProblemException(ProblemCode.OPERATION_NOT_CANCELLABLE, "past the point of no return")
					.withOperationId(ID));
		MvcResult r = mvc.perform(post("/api/v1/operations/" + ID + "/cancel")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(409);
		assertThat(r.getResponse().getContentAsString()).contains("\"operationId\":\"" + ID + "\"");
	}

	@Test
	void acceptsARestoreWithItsLocationAndPassesKeyAndPrecondition() throws Exception {
		given(operations.restore(eq(CHECKPOINT), any(), eq("restore-1"), eq(ETags.ifMatch("\"abc\"")), any()))
			.willReturn(new Submitted(pending(), true));
		MvcResult r = mvc.perform(post("/api/v1/checkpoints/" + CHECKPOINT + "/restore")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\": 7}")
			.header("Idempotency-Key", "restore-1")
			.header("If-Match", "\"abc\"")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(202);
		assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/operations/" + ID);
		assertThat(r.getResponse().getHeader("Idempotent-Replayed")).isEqualTo("true");
		verify(operations).restore(eq(CHECKPOINT), eq(new OperationRequests.RestoreRequest(7, null, null, null)), eq("restore-1"),
				eq(ETags.ifMatch("\"abc\"")), eq("anonymous"));
	}

	@Test
	void rejectsABadBodyBeforeReachingTheService() throws Exception {
		MvcResult r = mvc.perform(post("/api/v1/checkpoints/" + CHECKPOINT + "/restore")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\": \"seven\"}")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(400);
		verifyNoInteractions(operations);
	}

	@Test
	void turnsAnUnexpectedFailureIntoAnInternalErrorWithoutDetailsOfIt() throws Exception {
		given(queries.view(ID)).willThrow(new IllegalStateException("secret internals"));
		MvcResult r = mvc.perform(get("/api/v1/operations/" + ID)).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(500);
		assertThat(r.getResponse().getContentAsString()).contains("INTERNAL_ERROR").doesNotContain("secret");
	}

	static OperationViews.OperationView pending() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		return new OperationViews.OperationView(ID, OperationKind.RESTORE, 7, 1, "anonymous", OperationState.PENDING,
				null, true, false, null, 0, SuspendStrategy.SHADOW_REPLAY, null, 60_000, now.plusSeconds(60),
				CHECKPOINT,
				List.of(new OperationViews.PhaseView(Phase.VERIFY_CHECKPOINT, PhaseState.PENDING, 0, true, "local", null,
						null, null)),
				List.of(), null, null, null, "local", null, null, 0, null, now, null, null, null);
	}

}
