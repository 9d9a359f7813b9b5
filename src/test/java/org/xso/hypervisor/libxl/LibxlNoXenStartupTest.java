package org.xso.hypervisor.libxl;

import org.xso.support.AdminByDefault;

import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;

/**
 * xso.hypervisor=libxl with the shim linked against the real libxenlight on this machine, which
 * runs no Xen hypervisor: libxl_ctx_alloc fails and says why.
 */
@Tag("libxl")
@SpringBootTest(properties = { "xso.hypervisor=libxl", "xso.libxl.library=${xso.libxl.test.real}",
		"xso.demo.enabled=false", "xso.instance-id=libxl-no-xen",
		"spring.datasource.url=jdbc:h2:mem:xso-libxl-noxen;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@org.springframework.context.annotation.Import(AdminByDefault.class)
class LibxlNoXenStartupTest extends StartupWithoutXen {

	@Override
	protected String expectedReason() {
		return "no Xen hypervisor: libxl_ctx_alloc failed (ERROR_FAIL): libxl: libxl.c:102:libxl_ctx_alloc:"
				+ " cannot open libxc handle (errno 2); is this dom0?";
	}

}
