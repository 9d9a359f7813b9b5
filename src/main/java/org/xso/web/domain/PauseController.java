package org.xso.web.domain;

import java.security.Principal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.domain.DomainViews;
import org.xso.domain.PauseService;
import org.xso.web.ETags;

/**
 * {@code /api/v1/domains/{domid}/pause} and {@code /unpause}: a running guest paused and let run on,
 * synchronously; each answers the domain as it is then, with its new entity tag.
 */
@RestController
@RequestMapping("/api/v1/domains/{domid}")
class PauseController {

	private final PauseService pauses;

	PauseController(PauseService pauses) {
		this.pauses = pauses;
	}

	@PostMapping("/pause")
	ResponseEntity<DomainViews.DomainView> pause(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@Nullable Principal principal) {
		DomainViews.DomainView view = pauses.pause(domid, ETags.ifMatch(ifMatch), Principals.of(principal));
		return ResponseEntity.ok().eTag(view.etag()).body(view);
	}

	@PostMapping("/unpause")
	ResponseEntity<DomainViews.DomainView> unpause(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@Nullable Principal principal) {
		DomainViews.DomainView view = pauses.unpause(domid, ETags.ifMatch(ifMatch), Principals.of(principal));
		return ResponseEntity.ok().eTag(view.etag()).body(view);
	}

}
