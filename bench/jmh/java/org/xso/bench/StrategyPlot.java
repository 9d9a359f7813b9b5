package org.xso.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * Draws the strategy comparison (Java2D, headless): one panel per scenario, in each the median
 * suspend latency, resume latency and guest-visible I/O stall of both strategies as bars, the
 * 95th percentile as a whisker.
 */
final class StrategyPlot {

	static final int WIDTH = 1200;

	static final int HEIGHT = 520;

	static final Color SHADOW = new Color(0x1f77b4);

	static final Color CALLBACKS = new Color(0xff7f0e);

	static final String[] METRICS = { "suspend", "resume", "stall" };

	static final String[] LABELS = { "suspend", "resume", "I/O stall" };

	private StrategyPlot() {
	}

	static void write(JsonNode results, Path file) {
		BufferedImage image = Png.image(WIDTH, HEIGHT);
		Graphics2D g = Png.canvas(image);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
		JsonNode params = results.path("parameters");
		g.drawString(String.format(Locale.ROOT,
				"SHADOW_REPLAY vs SUSPEND_RESUME: 1 vbd, %d requests in flight, %d cycles each (bar p50, whisker p95, ms)",
				params.path("inFlight").asInt(), params.path("cycles").asInt()), 20, 26);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.drawString("machine: " + results.path("machine").path("cores").asInt() + " cores, JDK "
				+ results.path("machine").path("jdk").asText() + ", " + results.path("date").asText(), 20, 46);
		legend(g);
		List<String> scenarios = new ArrayList<>();
		for (JsonNode row : results.path("rows")) {
			if (!scenarios.contains(row.path("scenario").asText())) {
				scenarios.add(row.path("scenario").asText());
			}
		}
		int panelWidth = (WIDTH - 40) / Math.max(1, scenarios.size());
		for (int i = 0; i < scenarios.size(); i++) {
			panel(g, results.path("rows"), scenarios.get(i), 20 + i * panelWidth, 70, panelWidth - 20, HEIGHT - 110);
		}
		g.dispose();
		Png.write(image, file);
	}

	private static void legend(Graphics2D g) {
		int x = WIDTH - 500;
		g.setColor(SHADOW);
		g.fillRect(x, 36, 14, 12);
		g.setColor(Color.BLACK);
		g.drawString("SHADOW_REPLAY (Linux)", x + 20, 46);
		g.setColor(CALLBACKS);
		g.fillRect(x + 190, 36, 14, 12);
		g.setColor(Color.BLACK);
		g.drawString("SUSPEND_RESUME (illumos, NetBSD)", x + 210, 46);
	}

	private static void panel(Graphics2D g, JsonNode rows, String scenario, int x, int y, int w, int h) {
		JsonNode shadow = find(rows, scenario, "SHADOW_REPLAY");
		JsonNode callbacks = find(rows, scenario, "SUSPEND_RESUME");
		double max = 0;
		for (String m : METRICS) {
			max = Math.max(max, Math.max(value(shadow, m + "P95Ms"), value(callbacks, m + "P95Ms")));
		}
		max = niceCeiling(max);
		int top = y + 30;
		int bottom = y + h - 30;
		int left = x + 50;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		String latency = (shadow == null) ? "" : " (backend " + Results.format(shadow.path("backendLatencyMs").asDouble()) + " ms)";
		g.drawString(scenario + latency, x + 10, y + 14);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.setStroke(new BasicStroke(1));
		for (int t = 0; t <= 4; t++) {
			int ty = bottom - (int) ((bottom - top) * t / 4.0);
			g.setColor(new Color(0xdddddd));
			g.drawLine(left, ty, x + w, ty);
			g.setColor(Color.DARK_GRAY);
			String label = Results.format(Stats.round(max * t / 4.0));
			g.drawString(label, left - 6 - g.getFontMetrics().stringWidth(label), ty + 4);
		}
		g.setColor(Color.BLACK);
		g.drawLine(left, bottom, x + w, bottom);
		int group = (x + w - left) / METRICS.length;
		for (int i = 0; i < METRICS.length; i++) {
			int gx = left + i * group;
			bar(g, shadow, METRICS[i], SHADOW, gx + group / 2 - 32, 28, top, bottom, max);
			bar(g, callbacks, METRICS[i], CALLBACKS, gx + group / 2 + 4, 28, top, bottom, max);
			g.setColor(Color.BLACK);
			FontMetrics fm = g.getFontMetrics();
			g.drawString(LABELS[i], gx + group / 2 - fm.stringWidth(LABELS[i]) / 2, bottom + 16);
		}
	}

	private static void bar(Graphics2D g, JsonNode row, String metric, Color color, int bx, int bw, int top,
			int bottom, double max) {
		double p50 = value(row, metric + "P50Ms");
		double p95 = value(row, metric + "P95Ms");
		if (Double.isNaN(p50) || max <= 0) {
			return;
		}
		int y50 = bottom - (int) Math.round((bottom - top) * p50 / max);
		int y95 = bottom - (int) Math.round((bottom - top) * Math.min(p95, max) / max);
		g.setColor(color);
		g.fillRect(bx, y50, bw, bottom - y50);
		g.setColor(Color.BLACK);
		g.drawLine(bx + bw / 2, y50, bx + bw / 2, y95);
		g.drawLine(bx + bw / 2 - 5, y95, bx + bw / 2 + 5, y95);
		String label = Results.format(p50);
		g.drawString(label, bx + bw / 2 - g.getFontMetrics().stringWidth(label) / 2, Math.min(y95, y50) - 4);
	}

	private static JsonNode find(JsonNode rows, String scenario, String strategy) {
		for (JsonNode row : rows) {
			if (scenario.equals(row.path("scenario").asText()) && strategy.equals(row.path("strategy").asText())) {
				return row;
			}
		}
		return null;
	}

	private static double value(JsonNode row, String field) {
		if (row == null || !row.path(field).isNumber()) {
			return Double.NaN;
		}
		return row.path(field).asDouble();
	}

	static double niceCeiling(double v) {
		if (!(v > 0)) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= v) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

}
