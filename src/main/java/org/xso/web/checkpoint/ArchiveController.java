package org.xso.web.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.checkpoint.CheckpointArchive;
import org.xso.checkpoint.CheckpointArchives;
import org.xso.checkpoint.CheckpointViews;
import org.xso.web.ApiProblemException;
import org.xso.web.InvalidParam;
import org.xso.web.ProblemType;

/**
 * {@code POST /api/v1/checkpoints/import}: a checkpoint archive another deployment exported, and
 * {@code POST /api/v1/checkpoints/import-check}: whether it could be imported, with every reason,
 * storing nothing. The body is kept in a temporary file (at most
 * {@code xso.checkpoints.import-max-size}, 413 beyond it) and read whole before anything is stored.
 */
@RestController
@RequestMapping("/api/v1/checkpoints")
class ArchiveController {

	static final MediaType ZIP = MediaType.parseMediaType("application/zip");

	private final CheckpointArchives archives;

	private final DataSize maxSize;

	ArchiveController(CheckpointArchives archives,
			@Value("${xso.checkpoints.import-max-size:16GB}") DataSize maxSize) {
		this.archives = archives;
		this.maxSize = maxSize;
	}

	@PostMapping(path = "/import", consumes = "application/zip")
	ResponseEntity<CheckpointViews.Summary> importArchive(HttpServletRequest request, @Nullable Principal principal)
			throws IOException {
		Path file = spool(request.getInputStream());
		try {
			CheckpointViews.Summary imported = archives.importArchive(file, Principals.of(principal));
			return ResponseEntity.created(URI.create("/api/v1/checkpoints/" + imported.id())).body(imported);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@PostMapping(path = "/import-check", consumes = "application/zip")
	CheckpointArchive.Check check(HttpServletRequest request) throws IOException {
		Path file = spool(request.getInputStream());
		try {
			return archives.check(file);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	/** The request's body in a temporary file, which the caller deletes. */
	private Path spool(InputStream in) throws IOException {
		Path file = Files.createTempFile("xso-import-", ".zip");
		try {
			spool(in, file);
			return file;
		}
		catch (IOException | RuntimeException e) {
			Files.deleteIfExists(file);
			throw e;
		}
	}

	private void spool(InputStream in, Path file) throws IOException {
		long written = 0;
		byte[] buf = new byte[1 << 16];
		try (OutputStream out = Files.newOutputStream(file)) {
			for (int n; (n = in.read(buf)) > 0;) {
				written += n;
				if (written > maxSize.toBytes()) {
					throw new ApiProblemException(ProblemType.ARCHIVE_TOO_LARGE,
							"the archive is larger than " + maxSize + " (xso.checkpoints.import-max-size)");
				}
				out.write(buf, 0, n);
			}
		}
		if (written == 0) {
			throw ApiProblemException.invalid(InvalidParam.body("", "a zip request body (the archive) is required"));
		}
	}

}
