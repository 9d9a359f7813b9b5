package org.xso.web.host;

import jakarta.validation.constraints.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.host.HostRegistry;
import org.xso.host.HostView;
import org.xso.web.PageView;
import org.xso.web.Paging;

/** The fleet's hosts, as any instance sees them in the shared database. */
@RestController
@RequestMapping("/api/v1/hosts")
class HostController {

	private final HostRegistry hosts;

	HostController(HostRegistry hosts) {
		this.hosts = hosts;
	}

	@GetMapping
	PageView<HostView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		return PageView.ofList(hosts.all(), Paging.of(page, size));
	}

	@GetMapping("/{name}")
	HostView get(@PathVariable @Pattern(regexp = "[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?") String name) {
		return hosts.require(name);
	}

}
