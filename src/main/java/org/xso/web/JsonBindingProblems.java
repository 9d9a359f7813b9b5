package org.xso.web;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.xso.text.SafeText;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Turns a body that could not be bound into a problem: unparseable JSON is
 * {@code MALFORMED_JSON} with where the parser stopped; a wrong type, an unknown enum value, an
 * unknown property or a value the record's constructor rejected, a missing required member or a
 * member given twice is {@code VALIDATION_FAILED} with a JSON pointer to the field. The wording is
 * the service's: Jackson's messages name classes and reference chains of the service, so they go to
 * the log, never to the client.
 */
final class JsonBindingProblems {

	private static final Logger log = LoggerFactory.getLogger(JsonBindingProblems.class);

	private static final Pattern DUPLICATE = Pattern.compile("^Duplicate Object property \"(.*)\"");

	private static final Pattern MISSING = Pattern.compile("^Missing required creator property '([^']*)'");

	private JsonBindingProblems() {
	}

	static ApiProblemException of(HttpMessageNotReadableException e) {
		Throwable cause = e.getCause();
		if (cause == null) {
			return ApiProblemException.invalid(InvalidParam.body("", "a JSON request body is required"));
		}
		if (cause instanceof JacksonException je) {
			String pointer = pointer(je);
			if (cause instanceof UnrecognizedPropertyException u) {
				return fail("unknown property '" + u.getPropertyName() + "'", pointer);
			}
			if (cause instanceof InvalidFormatException f) {
				return fail("invalid value " + quoted(f.getValue()) + expected(f.getTargetType()), pointer);
			}
			if (cause instanceof ValueInstantiationException v) {
				// a record's constructor refused the value: its IllegalArgumentException speaks to the
				// client; anything else it threw is a failure of ours and its message is not for them
				if (v.getCause() instanceof IllegalArgumentException refused && refused.getMessage() != null) {
					return fail(refused.getMessage(), pointer);
				}
				log.warn("A request body could not be bound: {}", SafeText.escape(String.valueOf(v.getCause())));
				return fail("is not a valid value here", pointer);
			}
			if (cause instanceof MismatchedInputException m && missingProperty(m) != null) {
				String member = "/" + missingProperty(m);
				return fail("is required", pointer.endsWith(member) ? pointer : pointer + member);
			}
			if (cause instanceof MismatchedInputException m) {
				return fail("wrong type or missing value" + expected(m.getTargetType()), pointer);
			}
			if (cause instanceof InputCoercionException c) {
				return fail("number out of range" + expected(c.getTargetType()), pointer);
			}
			if (cause instanceof StreamReadException && duplicate(je) != null) {
				// well-formed, but a member given twice is ambiguous: which one the client meant is unknown
				return fail("'" + duplicate(je) + "' is given more than once", pointer);
			}
			if (cause instanceof StreamReadException) {
				return new ApiProblemException(ProblemType.MALFORMED_JSON, "the body is not well-formed JSON" + where(je));
			}
			// Jackson's own words name our classes and its reference chains: the log has them
			log.warn("A request body could not be bound at {}: {}", SafeText.quote(pointer),
					SafeText.escape(je.getOriginalMessage()));
			return fail("cannot be read as the value expected here", pointer);
		}
		return new ApiProblemException(ProblemType.MALFORMED_JSON, "the body could not be read");
	}

	/** The member a strict parser found twice, or null. */
	private static @Nullable String duplicate(JacksonException e) {
		Matcher m = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
		return m.find() ? m.group(1) : null;
	}

	/** The required record component that was absent, or null. */
	private static @Nullable String missingProperty(MismatchedInputException e) {
		Matcher m = MISSING.matcher(String.valueOf(e.getOriginalMessage()));
		return m.find() ? m.group(1) : null;
	}

	private static ApiProblemException fail(String message, String pointer) {
		return new ApiProblemException(ProblemType.VALIDATION_FAILED,
				"the request body is not valid" + (pointer.isEmpty() ? "" : " at " + pointer) + ": " + message)
			.withErrors(List.of(InvalidParam.body(pointer, message)));
	}

	private static String pointer(JacksonException e) {
		StringBuilder sb = new StringBuilder();
		for (JacksonException.Reference ref : e.getPath()) {
			sb.append('/');
			if (ref.getPropertyName() != null) {
				sb.append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
			}
			else if (ref.getIndex() >= 0) {
				sb.append(ref.getIndex());
			}
		}
		return sb.toString();
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "";
		}
		if (type.isEnum()) {
			return "; expected one of " + java.util.Arrays.toString(type.getEnumConstants());
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "; expected an integer";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "; expected a boolean";
		}
		if (type == String.class) {
			return "; expected a string";
		}
		if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "; expected an array";
		}
		return "; expected a JSON object";
	}

	private static String quoted(Object value) {
		return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
	}

	/** Where the parser stopped, as line and column of the body (a location of the request, not of ours). */
	private static String where(JacksonException e) {
		TokenStreamLocation at = e.getLocation();
		if (at == null || at.getLineNr() < 1) {
			return "";
		}
		return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
	}

}
