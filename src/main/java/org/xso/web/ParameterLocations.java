package org.xso.web;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;

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

}
