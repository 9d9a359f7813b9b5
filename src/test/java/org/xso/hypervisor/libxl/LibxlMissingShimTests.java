package org.xso.hypervisor.libxl;

import org.xso.support.AdminByDefault;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;

/** xso.hypervisor=libxl with no shim at xso.libxl.library: runs in the default build, no native code. */
@SpringBootTest(properties = { "xso.hypervisor=libxl", "xso.libxl.library=target/no-such-dir/libxso_libxl.so",
		"xso.demo.enabled=false", "xso.instance-id=libxl-missing",
		"spring.datasource.url=jdbc:h2:mem:xso-libxl-missing;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@org.springframework.context.annotation.Import(AdminByDefault.class)
class LibxlMissingShimTests extends StartupWithoutXen {

	@Override
	protected String expectedReason() {
		return "the libxl shim target/no-such-dir/libxso_libxl.so does not exist: build it with ./mvnw -Plibxl package"
				+ " and point xso.libxl.library at it";
	}

}
