package org.xso.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns Spring MVC's binding failures of parameters (path, query, header) into
 * {@code VALIDATION_FAILED} problems that name each parameter and say what it must be.
 */
final class BindingProblems {

	private BindingProblems() {
	}

	/** The problem for {@code ex}, or null if it is not a binding failure. */
	static @Nullable ApiProblemException of(Exception ex) {
		if (ex instanceof MethodArgumentNotValidException e) {
			List<InvalidParam> errors = new ArrayList<>();
			e.getBindingResult()
				.getFieldErrors()
				.forEach(f -> errors.add(InvalidParam.body("/" + f.getField().replace('.', '/'),
						String.valueOf(f.getDefaultMessage()))));
			return invalid("the request body is not valid", errors);
		}
		if (ex instanceof HandlerMethodValidationException e) {
			List<InvalidParam> errors = new ArrayList<>();
			e.getParameterValidationResults().forEach(r -> {
				String name = ParameterLocations.name(r.getMethodParameter());
				r.getResolvableErrors()
					.forEach(err -> errors.add(new InvalidParam(ParameterLocations.of(r.getMethodParameter()), name,
							String.valueOf(err.getDefaultMessage()))));
			});
			return invalid("request parameters are not valid", errors);
		}
		if (ex instanceof TypeMismatchException e) {
			String name = e instanceof MethodArgumentTypeMismatchException m ? ParameterLocations.name(m.getParameter())
					: e.getPropertyName() == null ? "?" : e.getPropertyName();
			String in = e instanceof MethodArgumentTypeMismatchException m ? ParameterLocations.of(m.getParameter())
					: "query";
			return invalid("parameter '" + name + "' has the wrong type",
					List.of(new InvalidParam(in, name, "must be " + requiredType(e) + ": " + e.getValue())));
		}
		if (ex instanceof MissingServletRequestParameterException e) {
			return invalid("query parameter '" + e.getParameterName() + "' is required",
					List.of(InvalidParam.query(e.getParameterName(), "is required")));
		}
		if (ex instanceof MissingRequestHeaderException e) {
			return invalid("header '" + e.getHeaderName() + "' is required",
					List.of(InvalidParam.header(e.getHeaderName(), "is required")));
		}
		return null;
	}

	private static String requiredType(TypeMismatchException e) {
		Class<?> type = e.getRequiredType();
		if (type == null) {
			return "a value of another type";
		}
		if (type == int.class || type == Integer.class) {
			return "a 32-bit integer";
		}
		if (type == long.class || type == Long.class) {
			return "a 64-bit integer";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.toString(type.getEnumConstants());
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type == java.util.UUID.class) {
			return "a UUID";
		}
		return "a " + type.getSimpleName();
	}

	private static ApiProblemException invalid(String detail, List<InvalidParam> errors) {
		return new ApiProblemException(ProblemType.VALIDATION_FAILED, detail).withErrors(errors);
	}

}
