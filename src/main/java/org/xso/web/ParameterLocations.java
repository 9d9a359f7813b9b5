package org.xso.web;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** Where a handler parameter comes from, as {@link InvalidParam#in()} names it. */
final class ParameterLocations {

	private ParameterLocations() {
	}

	static String of(MethodParameter p) {
		if (p.hasParameterAnnotation(PathVariable.class)) {
			return "path";
		}
		if (p.hasParameterAnnotation(RequestHeader.class)) {
			return "header";
		}
		return "query";
	}

	/** The name a client knows the parameter by: the header's or query parameter's, else the Java name. */
	static String name(MethodParameter p) {
		RequestHeader header = p.getParameterAnnotation(RequestHeader.class);
		if (header != null && !header.name().isEmpty()) {
			return header.name();
		}
		RequestParam param = p.getParameterAnnotation(RequestParam.class);
		if (param != null && !param.name().isEmpty()) {
			return param.name();
		}
		String name = p.getParameterName();
		return name == null ? "?" : name;
	}

}
