package org.xso.web;

import java.beans.PropertyEditorSupport;
import java.util.HashSet;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Query parameters bind as strictly as bodies do, as the contract's parameter schemas say:
 * <ul>
 * <li>a boolean is {@code true} or {@code false}, not also yes/no/on/off/1/0 in any case, which
 * Spring's default boolean editor would accept (so {@code follow=yes} is a 400, not a stream); a
 * custom editor, because the binder falls back to the default editors when a converter refuses;</li>
 * <li>a parameter the operation declares is given once and with a value: {@code ?waitMs=} would
 * otherwise be taken for an absent parameter and {@code ?page=1&page=2} for one of the two; a
 * header it declares is not empty ({@code If-Match:} is not "no precondition");</li>
 * <li>a parameter the operation does not declare is rejected, not ignored, as an unknown body
 * member is: {@code ?dryrun=true} or {@code ?sise=5} is a mistake the client wants to hear of.</li>
 * </ul>
 */
@ControllerAdvice
@Configuration(proxyBeanMethods = false)
class StrictParameters implements WebMvcConfigurer {

	@InitBinder
	void strictBooleans(WebDataBinder binder) {
		binder.registerCustomEditor(boolean.class, new StrictBoolean());
		binder.registerCustomEditor(Boolean.class, new StrictBoolean());
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new DeclaredParameters()).addPathPatterns("/api/**");
	}

	/** Only the two JSON literals. */
	static final class StrictBoolean extends PropertyEditorSupport {

		@Override
		public void setAsText(String text) {
			setValue(switch (text) {
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				default -> throw new IllegalArgumentException("must be true or false: " + text);
			});
		}

	}

	/** Only the query parameters the handler declares, each at most once; no declared one empty. */
	static final class DeclaredParameters implements HandlerInterceptor {

		@Override
		public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
			if (!(handler instanceof HandlerMethod method)) {
				return true;
			}
			Set<String> declared = new HashSet<>();
			for (MethodParameter p : method.getMethodParameters()) {
				if (p.hasParameterAnnotation(RequestHeader.class)) {
					String name = ParameterLocations.name(p);
					String value = request.getHeader(name);
					if (value != null && value.isEmpty()) {
						throw ApiProblemException.invalid(InvalidParam.header(name, "must not be empty"));
					}
				}
				if (!p.hasParameterAnnotation(RequestParam.class)) {
					continue;
				}
				String name = ParameterLocations.name(p);
				declared.add(name);
				String[] values = request.getParameterValues(name);
				if (values == null) {
					continue;
				}
				if (values.length > 1) {
					throw ApiProblemException.invalid(InvalidParam.query(name, "must be given once"));
				}
				if (values[0].isEmpty()) {
					throw ApiProblemException.invalid(InvalidParam.query(name, "must not be empty"));
				}
			}
			for (String name : request.getParameterMap().keySet()) {
				if (!declared.contains(name)) {
					throw ApiProblemException.invalid(InvalidParam.query(name, "is not a parameter of this operation"));
				}
			}
			return true;
		}

	}

}
