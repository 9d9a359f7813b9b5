package org.xso.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The matrix as text: kind × kill point × database → outcome, then every bad cell in full. */
final class MatrixReport {

	private MatrixReport() {
	}

	static String render(List<Cell> cells, List<String> databases, Map<String, List<CellResult>> results,
			String header) {
		List<String> columns = new ArrayList<>(List.of("kind", "killed"));
		databases.forEach(db -> columns.add(results.get(db).isEmpty() ? db : results.get(db).get(0).database));
		List<List<String>> rows = new ArrayList<>();
		for (int i = 0; i < cells.size(); i++) {
			Cell c = cells.get(i);
			List<String> row = new ArrayList<>(List.of(c.kind().title, c.pointTitle()));
			for (String db : databases) {
				List<CellResult> r = results.get(db);
				row.add(i < r.size() ? r.get(i).summary() : "not run");
			}
			rows.add(row);
		}
		int[] width = new int[columns.size()];
		for (int k = 0; k < width.length; k++) {
			width[k] = columns.get(k).length();
			for (List<String> row : rows) {
				width[k] = Math.max(width[k], row.get(k).length());
			}
		}
		StringBuilder out = new StringBuilder();
		out.append(header).append('\n');
		line(out, columns, width);
		List<String> rule = new ArrayList<>();
		for (int w : width) {
			rule.add("-".repeat(w));
		}
		line(out, rule, width);
		rows.forEach(row -> line(out, row, width));
		List<CellResult> bad = bad(results, databases);
		if (!bad.isEmpty()) {
			out.append("\nBad cells (").append(bad.size()).append("), each as expected / found:\n");
			for (CellResult r : bad) {
				out.append("\n[").append(r.database).append("] ").append(r.cell.kind().title).append(", killed ")
					.append(r.cell.pointTitle()).append(" -> ").append(r.outcome());
				if (!r.notes().isEmpty()) {
					out.append(" (").append(String.join("; ", r.notes())).append(')');
				}
				out.append('\n');
				for (CellResult.Finding f : r.findings()) {
					out.append("  - ").append(f.harness() ? "[not driven] " : "").append(f.check()).append('\n');
					out.append("      expected: ").append(f.expected()).append('\n');
					out.append("      found:    ").append(f.found().replace("\n", "\n                ")).append('\n');
				}
			}
		}
		return out.toString();
	}

	static List<CellResult> bad(Map<String, List<CellResult>> results, List<String> databases) {
		List<CellResult> bad = new ArrayList<>();
		databases.forEach(db -> results.get(db).stream().filter(r -> !r.ok()).forEach(bad::add));
		return bad;
	}

	private static void line(StringBuilder out, List<String> cells, int[] width) {
		for (int k = 0; k < cells.size(); k++) {
			out.append(k == 0 ? "" : " | ").append(String.format("%-" + width[k] + "s", cells.get(k)));
		}
		out.append('\n');
	}

}
