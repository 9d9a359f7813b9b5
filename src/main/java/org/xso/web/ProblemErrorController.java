package org.xso.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xso.text.SafeText;

/**
 * The error page: whatever the container or a filter rejected before (or outside) a controller, a
 * {@code sendError}, an exception that escaped, is answered as a problem detail with a catalogued
 * code, never Spring Boot's default JSON or HTML error page.
 */
@RestController
class ProblemErrorController implements ErrorController {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemBody> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = code instanceof Integer i ? i : 500;
		Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		ApiProblemException problem = ContainerProblems.of(status,
				(String) request.getAttribute(RequestDispatcher.ERROR_MESSAGE), failure);
		if (problem.code().status().is5xxServerError()) {
			log.error("Unexpected failure on {}",
					SafeText.quote(String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI))), failure);
		}
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		ProblemBody body = problem.toBody(uri instanceof String s ? s : null);
		return ResponseEntity.status(body.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
	}

}
