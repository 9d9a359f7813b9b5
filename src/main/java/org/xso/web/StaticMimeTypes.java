package org.xso.web;

import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Media types of the static files the container's defaults do not know: {@code /openapi.yaml}, the
 * contract, is {@code application/yaml} (RFC 9512) instead of {@code application/octet-stream}, so a
 * browser shows it and a client knows what it got.
 */
@Configuration(proxyBeanMethods = false)
class StaticMimeTypes implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {

	static final String YAML = "application/yaml";

	@Override
	public void customize(ConfigurableServletWebServerFactory factory) {
		MimeMappings yaml = new MimeMappings();
		yaml.add("yaml", YAML);
		yaml.add("yml", YAML);
		factory.addMimeMappings(yaml);
	}

}
