package org.xso.web.domain;

import java.net.URI;
import java.security.Principal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.config.DeviceConfig;
import org.xso.domain.DeviceService;
import org.xso.domain.DomainService;
import org.xso.domain.DomainViews;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.web.ETags;
import org.xso.web.PageView;
import org.xso.web.Paging;

/** {@code /api/v1/domains/{domid}/devices}: a domain's devices as sub-resources. */
@RestController
@RequestMapping("/api/v1/domains/{domid}/devices")
class DeviceController {

	private final DomainService domains;

	private final DeviceService devices;

	DeviceController(DomainService domains, DeviceService devices) {
		this.domains = domains;
		this.devices = devices;
	}

	@GetMapping
	PageView<DomainViews.DeviceView> list(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		return PageView.ofList(domains.get(domid).devices(), Paging.of(page, size));
	}

	@PostMapping
	ResponseEntity<DomainViews.DeviceView> attach(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestBody DeviceConfig device, @Nullable Principal principal) {
		DomainViews.DeviceView view = devices.attach(domid, ETags.ifMatch(ifMatch), device, Principals.of(principal));
		return ResponseEntity
			.created(URI.create("/api/v1/domains/" + domid + "/devices/" + view.type() + "/" + view.devid()))
			.body(view);
	}

	@GetMapping("/{type}/{devid}")
	DomainViews.DeviceView get(@PathVariable @Min(1) @Max(32751) int domid, @PathVariable DeviceType type,
			@PathVariable @Min(0) @Max(16777215) int devid) {
		return devices.device(domid, new DeviceId(type, devid));
	}

	@GetMapping("/{type}/{devid}/stats")
	DomainViews.Counters stats(@PathVariable @Min(1) @Max(32751) int domid, @PathVariable DeviceType type,
			@PathVariable @Min(0) @Max(16777215) int devid) {
		return devices.counters(domid, new DeviceId(type, devid));
	}

	@DeleteMapping("/{type}/{devid}")
	ResponseEntity<Void> detach(@PathVariable @Min(1) @Max(32751) int domid, @PathVariable DeviceType type,
			@PathVariable @Min(0) @Max(16777215) int devid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@Nullable Principal principal) {
		devices.detach(domid, new DeviceId(type, devid), ETags.ifMatch(ifMatch), Principals.of(principal));
		return ResponseEntity.noContent().build();
	}

}
