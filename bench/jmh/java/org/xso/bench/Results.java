package org.xso.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One suite's machine-readable result: {@code bench/results/<suite>.json} with the command that
 * produced it, the date, the machine, the parameters, one row per measurement and the targets
 * checked. The README's performance section is generated from these files.
 */
final class Results {

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	final Map<String, Object> root = new LinkedHashMap<>();

	final List<Map<String, Object>> rows = new ArrayList<>();

	final List<Map<String, Object>> targets = new ArrayList<>();

	Results(String suite, String command, Map<String, ?> parameters) {
		this.root.put("suite", suite);
		this.root.put("command", command);
		this.root.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
		this.root.put("machine", Machine.describe());
		this.root.put("parameters", new LinkedHashMap<>(parameters));
		this.root.put("rows", this.rows);
		this.root.put("targets", this.targets);
	}

	Map<String, Object> row() {
		Map<String, Object> r = new LinkedHashMap<>();
		this.rows.add(r);
		return r;
	}

	/** Records a target: {@code met} is decided here from the measured value, never by hand. */
	void target(String name, String goal, double measured, String unit, boolean met, String note) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("name", name);
		t.put("target", goal);
		t.put("measured", Stats.round(measured));
		t.put("unit", unit);
		t.put("met", met);
		t.put("note", note);
		this.targets.add(t);
	}

	void put(String key, Object value) {
		this.root.put(key, value);
	}

	/** Writes {@code <dir>/<suite>.json} and returns its path. */
	Path write(Path dir) {
		try {
			Files.createDirectories(dir);
			Path file = dir.resolve(this.root.get("suite") + ".json");
			@SuppressWarnings("unchecked")
			Map<String, Object> machine = (Map<String, Object>) this.root.get("machine");
			machine.put("loadAverage", Machine.loadAverage());
			JSON.writeValue(file.toFile(), this.root);
			return file;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static JsonNode read(Path file) {
		return JSON.readTree(file.toFile());
	}

	/** A plain-text table of the rows, columns in first-seen order. */
	static String table(List<Map<String, Object>> rows) {
		List<String> cols = new ArrayList<>();
		for (Map<String, Object> r : rows) {
			r.keySet().stream().filter((k) -> !cols.contains(k)).forEach(cols::add);
		}
		int[] width = new int[cols.size()];
		List<String[]> cells = new ArrayList<>();
		cells.add(cols.toArray(String[]::new));
		for (Map<String, Object> r : rows) {
			String[] line = new String[cols.size()];
			for (int i = 0; i < cols.size(); i++) {
				line[i] = format(r.get(cols.get(i)));
			}
			cells.add(line);
		}
		for (String[] line : cells) {
			for (int i = 0; i < line.length; i++) {
				width[i] = Math.max(width[i], line[i].length());
			}
		}
		StringBuilder sb = new StringBuilder();
		for (String[] line : cells) {
			for (int i = 0; i < line.length; i++) {
				sb.append(String.format(Locale.ROOT, "%-" + width[i] + "s", line[i])).append(i + 1 < line.length ? "  " : "");
			}
			sb.append('\n');
		}
		return sb.toString();
	}

	static String format(Object v) {
		if (v == null) {
			return "";
		}
		if (v instanceof Double d) {
			return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.3f", d).replaceAll("\\.?0+$", "");
		}
		return String.valueOf(v);
	}

	/** Prints the rows and targets of a suite to standard output. */
	void print() {
		System.out.println("== " + this.root.get("suite") + " (" + this.root.get("date") + ", "
				+ ((Map<?, ?>) this.root.get("machine")).get("cores") + " cores)");
		System.out.print(table(this.rows));
		if (!this.targets.isEmpty()) {
			System.out.println("-- targets");
			System.out.print(table(this.targets));
		}
	}

}
