package org.xso.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Every MockMvc request of a test that imports this carries the admin test token unless it sets
 * its own {@code Authorization} (or removes it with {@link TestTokens#none()}): the feature tests
 * are about features, and {@code AccessControlTests} is about who may call them.
 */
@TestConfiguration(proxyBeanMethods = false)
public class AdminByDefault {

	@Bean
	MockMvcBuilderCustomizer adminTokenByDefault() {
		return builder -> builder.defaultRequest(get("/").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.ADMIN));
	}

}
