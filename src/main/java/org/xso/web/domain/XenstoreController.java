package org.xso.web.domain;

import java.util.regex.Pattern;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.problem.HypervisorProblems;
import org.xso.web.ApiProblemException;
import org.xso.web.InvalidParam;
import org.xso.web.PageView;
import org.xso.web.Paging;

/** {@code GET /api/v1/xenstore?path=...}: a read-only view of the xenstore, like {@code xenstore-ls -f -p}. */
@RestController
@RequestMapping("/api/v1/xenstore")
class XenstoreController {

	private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9_@:.\\-]+)+");

	private final Hypervisor hypervisor;

	XenstoreController(Hypervisor hypervisor) {
		this.hypervisor = hypervisor;
	}

	/** One node: its full path, value and permissions. */
	record Node(String path, String value, String permissions) {

		static Node of(XenstoreEntry e) {
			return new Node(e.path(), e.value(), e.permissions());
		}

	}

	@GetMapping
	PageView<Node> read(@RequestParam(defaultValue = "/local/domain") String path,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "100") int size) {
		if (path.length() > 1024 || !PATH.matcher(path).matches()) {
			throw ApiProblemException.invalid(InvalidParam.query("path",
					"must be an absolute xenstore path of [A-Za-z0-9_@:.-] segments, at most 1024 characters"));
		}
		try {
			return PageView.ofList(hypervisor.xenstore(path).stream().map(Node::of).toList(), Paging.of(page, size));
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
	}

}
