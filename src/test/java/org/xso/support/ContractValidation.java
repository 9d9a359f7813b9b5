package org.xso.support;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.mockmvc.MockMvcRequest;
import com.atlassian.oai.validator.mockmvc.MockMvcResponse;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultHandler;

/**
 * Checks every MockMvc exchange of the integration tests against {@code openapi.yaml}: each
 * response (status, headers, body, with undeclared properties an error), and the request of every
 * 2xx exchange (whatever the service accepted, the contract must allow). A violation fails the test.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ContractValidation {

	/** The contract, validated once per JVM. */
	public static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
		.createForSpecificationUrl(Path.of("openapi.yaml").toAbsolutePath().toUri().toString())
		.withLevelResolver(LevelResolver.create()
			.withLevel("validation.schema.additionalProperties", ValidationReport.Level.ERROR)
			.build())
		.build();

	/** How many exchanges were validated (a test can assert that validation really ran). */
	public static final AtomicLong VALIDATED = new AtomicLong();

	@Bean
	MockMvcBuilderCustomizer validateAgainstContract() {
		return builder -> builder.alwaysDo(handler());
	}

	public static ResultHandler handler() {
		return ContractValidation::validate;
	}

	private static boolean outsideTheContract(ValidationReport report) {
		return report.hasErrors() && report.getMessages()
			.stream()
			.filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
			.allMatch(m -> m.getKey().equals("validation.request.path.missing")
					|| m.getKey().equals("validation.request.operation.notAllowed"));
	}

	static void validate(MvcResult result) {
		MockHttpServletRequest request = result.getRequest();
		MockHttpServletResponse response = result.getResponse();
		if (request.isAsyncStarted() || !request.getRequestURI().startsWith("/api/")) {
			return; // an async exchange is validated at its dispatch, once complete
		}
		Request.Method method = Request.Method.valueOf(request.getMethod());
		ValidationReport report = VALIDATOR.validateResponse(request.getRequestURI(), method,
				MockMvcResponse.of(response));
		if (outsideTheContract(report)) {
			// an unknown path or method: the answer must still be a catalogued problem detail, which
			// is what any operation's default response is
			report = VALIDATOR.validateResponse("/api/v1/operations", Request.Method.GET, MockMvcResponse.of(response));
		}
		if (response.getStatus() >= 200 && response.getStatus() < 300) {
			report = report.merge(VALIDATOR.validateRequest(MockMvcRequest.of(request)));
		}
		VALIDATED.incrementAndGet();
		if (report.hasErrors()) {
			String messages = report.getMessages()
				.stream()
				.filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
				.map(m -> m.getKey() + ": " + m.getMessage())
				.collect(Collectors.joining("\n  "));
			String body;
			try {
				body = response.getContentAsString();
			}
			catch (java.io.UnsupportedEncodingException e) {
				body = "?";
			}
			throw new AssertionError("openapi.yaml is violated by " + request.getMethod() + " "
					+ request.getRequestURI() + " -> " + response.getStatus() + ":\n  " + messages + "\nbody: " + body);
		}
	}

}
