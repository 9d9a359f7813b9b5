package org.xso.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Renders every failure as an RFC 9457 problem detail with a catalogued {@code code}. Spring
 * MVC's own exceptions (binding, conversion, media types, unknown paths) go through
 * {@link ResponseEntityExceptionHandler} and are given a code here; anything unexpected is a 500
 * {@code INTERNAL_ERROR} and is logged, because it is a bug.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	@ExceptionHandler(ApiProblemException.class)
	ResponseEntity<Object> problem(ApiProblemException e, HttpServletRequest request) {
		ProblemBody body = e.toBody(request.getRequestURI());
		if (e.getCause() != null) {
			// the detail is the service's wording; what the failure itself said (a file, a statement,
			// another program's message) is for the operator, found by the problem's instance
			log.warn("{} {} on {} {}: {}", body.status(), e.code(), SafeText.escape(request.getMethod()),
					SafeText.quote(body.instance()), SafeText.causes(e.getCause()));
		}
		else if (e.code().status().is5xxServerError()) {
			log.warn("{} on {}: {}", e.code(), SafeText.quote(request.getRequestURI()), SafeText.escape(e.getMessage()));
		}
		return render(body, new HttpHeaders());
	}

	/** A command the domain refused, in the API's terms. */
	@ExceptionHandler(ProblemException.class)
	ResponseEntity<Object> refused(ProblemException e, HttpServletRequest request) {
		return problem(ApiProblemException.of(e), request);
	}

	@ExceptionHandler(HypervisorException.class)
	ResponseEntity<Object> hypervisor(HypervisorException e, HttpServletRequest request) {
		return refused(HypervisorProblems.of(e), request);
	}

	@ExceptionHandler(OptimisticLockingFailureException.class)
	ResponseEntity<Object> concurrent(OptimisticLockingFailureException e, HttpServletRequest request) {
		return problem(new ApiProblemException(ProblemType.CONCURRENT_MODIFICATION,
				"the resource was modified by another request; read it again and retry"), request);
	}

	/**
	 * Tomcat parses the query string lazily, on the first parameter read, and fails on a parameter
	 * without a name ({@code ?=1}), bad percent-encoding or too many parameters: the client's mistake.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> invalidParameters(InvalidParameterException e, HttpServletRequest request) {
		return problem(ContainerProblems.invalidQuery(e), request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
		log.error("Unexpected failure on {} {}", SafeText.escape(request.getMethod()),
				SafeText.quote(request.getRequestURI()), e);
		return problem(new ApiProblemException(ProblemType.INTERNAL_ERROR, "internal error; see the service log"),
				request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleAsyncRequestNotUsableException(AsyncRequestNotUsableException ex,
			WebRequest request) {
		return null; // the client went away (an SSE stream closed); nothing to render
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ApiProblemException problem = translate(ex, statusCode);
		String path = request instanceof ServletWebRequest swr ? swr.getRequest().getRequestURI() : null;
		HttpHeaders out = new HttpHeaders();
		if (headers.getAllow() != null && !headers.getAllow().isEmpty()) {
			out.setAllow(headers.getAllow());
		}
		return render(problem.toBody(path), out);
	}

	private ApiProblemException translate(Exception ex, HttpStatusCode status) {
		if (ex instanceof HttpMessageNotReadableException e) {
			return JsonBindingProblems.of(e);
		}
		ApiProblemException binding = BindingProblems.of(ex);
		if (binding != null) {
			return binding;
		}
		if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
			return new ApiProblemException(ProblemType.NOT_FOUND, "no resource at this path");
		}
		// Spring's own client-facing wording (its ErrorResponse detail), never an exception's message,
		// which for some of these names the handler method and its parameter types
		if (ex instanceof HttpRequestMethodNotSupportedException e) {
			return new ApiProblemException(ProblemType.METHOD_NOT_ALLOWED, detail(e, "method not allowed"));
		}
		if (ex instanceof HttpMediaTypeNotSupportedException e) {
			return new ApiProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, detail(e, "unsupported media type"));
		}
		if (ex instanceof HttpMediaTypeNotAcceptableException e) {
			return new ApiProblemException(ProblemType.NOT_ACCEPTABLE, detail(e, "no acceptable representation"));
		}
		if (status.is4xxClientError()) {
			log.debug("MVC rejected a request with {}: {}", status.value(), SafeText.escape(ex.toString()));
			return new ApiProblemException(ProblemType.VALIDATION_FAILED,
					ex instanceof ErrorResponse e ? detail(e, "the request is not valid") : "the request is not valid");
		}
		log.error("Unexpected MVC failure", ex);
		return new ApiProblemException(ProblemType.INTERNAL_ERROR, "internal error; see the service log");
	}

	private static String detail(ErrorResponse e, String fallback) {
		String detail = e.getBody().getDetail();
		return detail == null || detail.isBlank() ? fallback : detail;
	}

	private static ResponseEntity<Object> render(ProblemBody body, HttpHeaders headers) {
		return ResponseEntity.status(body.status())
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(body);
	}

}
