package org.xso.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one cell found on one database: the end the operation came to after the restart, and every
 * check that failed, each as what was expected and what was found.
 */
final class CellResult {

	/** A failed check. {@code harness} marks a cell the harness could not drive as intended. */
	record Finding(String check, String expected, String found, boolean harness) {
	}

	final Cell cell;

	final String database;

	private final List<Finding> findings = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private String outcome = "-";

	private Duration took = Duration.ZERO;

	CellResult(Cell cell, String database) {
		this.cell = cell;
		this.database = database;
	}

	/** Longer texts (a problem detail quoting SQL) are cut: the service's log has them whole. */
	static final int MAX_TEXT = 600;

	void fail(String check, String expected, String found) {
		findings.add(new Finding(check, cut(expected), cut(found), false));
	}

	void harness(String check, String expected, String found) {
		findings.add(new Finding(check, cut(expected), cut(found), true));
	}

	private static String cut(String text) {
		return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "... (" + text.length() + " chars)";
	}

	/** Something worth knowing that is not a failure (where the kill landed, a retried attempt). */
	void note(String note) {
		notes.add(note);
	}

	void outcome(String outcome) {
		this.outcome = outcome;
	}

	void took(Duration took) {
		this.took = took;
	}

	boolean ok() {
		return findings.isEmpty();
	}

	List<Finding> findings() {
		return findings;
	}

	List<String> notes() {
		return notes;
	}

	String outcome() {
		return outcome;
	}

	Duration took() {
		return took;
	}

	/** The matrix's text for this cell: the end state, or FAIL and what failed first. */
	String summary() {
		if (ok()) {
			return "ok " + outcome + (notes.stream().anyMatch(n -> n.endsWith("booted again")) ? ", rebooted" : "");
		}
		Finding first = findings.get(0);
		return (first.harness() ? "NOT RUN " : "FAIL ") + first.check()
				+ (findings.size() > 1 ? " +" + (findings.size() - 1) : "");
	}

}
