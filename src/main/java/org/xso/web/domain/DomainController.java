package org.xso.web.domain;

import java.net.URI;
import java.security.Principal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.checkpoint.CheckpointViews;
import org.xso.domain.DomainRequests;
import org.xso.domain.DomainService;
import org.xso.domain.DomainState;
import org.xso.domain.DomainViews;
import org.xso.web.ETags;
import org.xso.web.PageView;
import org.xso.web.Paging;

/** {@code /api/v1/domains}: list, create, read, change retention, delete; a domain's checkpoints. */
@RestController
@RequestMapping("/api/v1/domains")
class DomainController {

	private final DomainService domains;

	private final CheckpointCatalog checkpoints;

	DomainController(DomainService domains, CheckpointCatalog checkpoints) {
		this.domains = domains;
		this.checkpoints = checkpoints;
	}

	@GetMapping
	PageView<DomainViews.DomainView> list(@RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "20") int size, @RequestParam(required = false) @Nullable DomainState state,
			@RequestParam(required = false) @Nullable @Pattern(regexp = "[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?") String host) {
		return PageView.of(domains.list(Paging.of(page, size).request(), state, host));
	}

	@PostMapping
	ResponseEntity<DomainViews.DomainView> create(@RequestBody DomainRequests.CreateDomain request,
			@Nullable Principal principal) {
		DomainViews.DomainView created = domains.create(request, Principals.of(principal));
		return ResponseEntity.created(URI.create("/api/v1/domains/" + created.domid()))
			.eTag(created.etag())
			.body(created);
	}

	@GetMapping("/{domid}")
	ResponseEntity<DomainViews.DomainView> get(@PathVariable @Min(1) @Max(32751) int domid) {
		DomainViews.DomainView view = domains.get(domid);
		return ResponseEntity.ok().eTag(view.etag()).body(view);
	}

	@PatchMapping(path = "/{domid}", consumes = { "application/merge-patch+json", "application/json" })
	ResponseEntity<DomainViews.DomainView> patch(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestBody DomainRequests.PatchDomain patch, @Nullable Principal principal) {
		DomainViews.DomainView view = domains.patch(domid, ETags.ifMatch(ifMatch), patch, Principals.of(principal));
		return ResponseEntity.ok().eTag(view.etag()).body(view);
	}

	@DeleteMapping("/{domid}")
	ResponseEntity<Void> delete(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@Nullable Principal principal) {
		domains.delete(domid, ETags.ifMatch(ifMatch), Principals.of(principal));
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/{domid}/checkpoints")
	PageView<CheckpointViews.Summary> checkpoints(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		domains.record(domid);
		return PageView.of(checkpoints.list(domid, Paging.of(page, size).request()));
	}

}
