package org.xso.web.checkpoint;

import java.security.Principal;
import java.util.UUID;

import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.xso.audit.Cause;
import org.xso.audit.Principals;
import org.xso.checkpoint.CheckpointArchives;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.checkpoint.CheckpointStore;
import org.xso.checkpoint.CheckpointViews;
import org.xso.web.ETags;

/** {@code /api/v1/checkpoints/{id}}: details, integrity check, export, deletion. */
@RestController
@RequestMapping("/api/v1/checkpoints/{id}")
class CheckpointController {

	private final CheckpointCatalog catalog;

	private final CheckpointStore store;

	private final CheckpointArchives archives;

	CheckpointController(CheckpointCatalog catalog, CheckpointStore store, CheckpointArchives archives) {
		this.archives = archives;
		this.catalog = catalog;
		this.store = store;
	}

	@GetMapping
	ResponseEntity<CheckpointViews.Details> get(@PathVariable UUID id) {
		CheckpointViews.Details details = catalog.details(id);
		return ResponseEntity.ok().eTag(details.etag()).body(details);
	}

	@GetMapping("/integrity")
	CheckpointViews.Integrity integrity(@PathVariable UUID id) {
		return store.integrity(id);
	}

	/** The checkpoint as one archive, streamed once it has verified (see {@link CheckpointArchives}). */
	@GetMapping("/export")
	ResponseEntity<StreamingResponseBody> export(@PathVariable UUID id) {
		CheckpointArchives.Export export = archives.export(id);
		return ResponseEntity.ok()
			.contentType(ArchiveController.ZIP)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(export.fileName()).build().toString())
			.body(export::writeTo);
	}

	@DeleteMapping
	ResponseEntity<Void> delete(@PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@Nullable Principal principal) {
		catalog.delete(id, ETags.ifMatch(ifMatch), Cause.request(Principals.of(principal)));
		return ResponseEntity.noContent().build();
	}

}
