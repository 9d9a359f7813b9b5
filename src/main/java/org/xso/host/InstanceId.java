package org.xso.host;

import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This instance's identity as a lease owner: {@code xso.instance-id} (set it to the pod or host
 * name so a restarted instance recognises its own leases at once) or a random id per start.
 */
@Component
public class InstanceId {

	private final String value;

	InstanceId(@Value("${xso.instance-id:}") String configured) {
		this.value = configured.isBlank() ? "xso-" + UUID.randomUUID().toString().substring(0, 8) : configured;
	}

	public String value() {
		return value;
	}

	@Override
	public String toString() {
		return value;
	}

}
