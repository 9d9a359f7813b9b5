package org.xso.support;

import org.springframework.boot.test.context.TestConfiguration;

/** Placeholder until the contract exists. */
@TestConfiguration(proxyBeanMethods = false)
public class ContractValidation {
}
