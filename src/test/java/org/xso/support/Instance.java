package org.xso.support;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.xso.XsoApplication;

/**
 * One instance of the service started by a test that needs several (a fleet, two deployments):
 * its context, started with {@code properties} as command-line arguments (so they win over
 * application.yml), and a MockMvc on it that sends the admin token and checks every answer against
 * the contract.
 */
public record Instance(ConfigurableApplicationContext context, MockMvc mvc) {

	/** With {@code xso.hypervisor=fake} the test hypervisor is the port; otherwise the configured adapter. */
	public static Instance start(Map<String, ?> properties) {
		String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new);
		Class<?>[] sources = "fake".equals(properties.get("xso.hypervisor"))
				? new Class<?>[] { XsoApplication.class, FakeHypervisorConfiguration.class, TestJwts.class }
				: new Class<?>[] { XsoApplication.class, TestJwts.class };
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.run(args);
		MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
			.apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity())
			.defaultRequest(get("/").header("Authorization", "Bearer " + TestTokens.ADMIN))
			.alwaysDo(ContractValidation.handler())
			.build();
		return new Instance(context, mvc);
	}

}
