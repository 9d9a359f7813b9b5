package org.xso.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xso.problem.Problem;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Renders a domain {@link Problem} that a representation carries (a finished operation's
 * {@code error}) as the same RFC 9457 document a refused request gets: type, title, status and the
 * extension members, with the operation it concerns as its {@code instance}.
 */
@Configuration(proxyBeanMethods = false)
class ProblemJson {

	@Bean
	JacksonModule problemDetails() {
		return new SimpleModule("problem-details").addSerializer(Problem.class, new ValueSerializer<>() {

			@Override
			public void serialize(Problem problem, JsonGenerator gen, SerializationContext ctxt) {
				String instance = problem.operationId() == null ? null : "/api/v1/operations/" + problem.operationId();
				ctxt.writeValue(gen, ApiProblemException.of(problem).toBody(instance));
			}

		});
	}

}
