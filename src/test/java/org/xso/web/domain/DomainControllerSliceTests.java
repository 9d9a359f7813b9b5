package org.xso.web.domain;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.domain.DomainService;
import org.xso.problem.LeaseRef;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.support.AdminByDefault;
import org.xso.support.ContractValidation;
import org.xso.web.StrictJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

@AutoConfigureMockMvc(addFilters = false) // a slice of the controller; AccessControlTests covers security
@WebMvcTest(DomainController.class)
@Import({ StrictJson.class, ContractValidation.class, AdminByDefault.class })
class DomainControllerSliceTests {

	@Autowired
	MockMvc mvc;

	@MockitoBean
	DomainService domains;

	@MockitoBean
	CheckpointCatalog checkpoints;

	@Test
	void reportsTheLeaseOfABusyDomain() throws Exception {
		LeaseRef lease = new LeaseRef(1, "node-a", java.util.UUID.randomUUID(), "suspend",
				java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.Instant.parse("2026-01-01T00:00:30Z"));
		doThrow(new ProblemException(ProblemCode.DOMAIN_BUSY, "busy").withLease(lease)).when(domains)
			.delete(eq(1), any(), any());
		MvcResult r = mvc.perform(delete("/api/v1/domains/1")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(409);
		assertThat(r.getResponse().getContentAsString()).contains("\"owner\":\"node-a\"")
			.contains("\"operationId\":\"" + lease.operationId() + "\"");
	}

	@Test
	void neverCallsTheServiceForAnUnparseableBody() throws Exception {
		mvc.perform(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content("[1,2"));
		mvc.perform(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.content("{\"checkpointRetention\": true}"));
		verifyNoInteractions(domains);
	}

	@Test
	void refusesAPatchInAnUnsupportedMediaType() throws Exception {
		given(domains.get(1)).willThrow(new IllegalStateException("must not be called"));
		MvcResult r = mvc.perform(patch("/api/v1/domains/1").contentType(MediaType.APPLICATION_XML).content("<x/>"))
			.andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(415);
		assertThat(r.getResponse().getContentAsString()).contains("UNSUPPORTED_MEDIA_TYPE");
	}

}
