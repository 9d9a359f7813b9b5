package org.xso;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * xen-suspend-orchestrator: suspends, checkpoints and resumes Xen guests together with their
 * vbd and vif split-driver devices.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class XsoApplication {

	public static void main(String[] args) {
		SpringApplication.run(XsoApplication.class, args);
	}

}
