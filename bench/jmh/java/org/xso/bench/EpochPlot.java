package org.xso.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * Draws continuous checkpointing over the run (Java2D, headless): for every 250 ms of the
 * periodic run of the checkpoints suite, how long the guests were paused per epoch and how long the
 * epoch took to persist after the thaw (its lag), the median and the largest, on a log scale.
 */
final class EpochPlot {

	static final int WIDTH = 1200;

	static final int HEIGHT = 480;

	private static final Color PAUSE = new Color(0x1f77b4);

	private static final Color PERSIST = new Color(0xff7f0e);

	private static final int LEFT = 70;

	private static final int TOP = 70;

	private EpochPlot() {
	}

	static void write(JsonNode results, Path file) {
		JsonNode series = results.path("epochSeries");
		if (!series.isArray() || series.isEmpty()) {
			return;
		}
		BufferedImage image = Png.image(WIDTH, HEIGHT);
		Graphics2D g = Png.canvas(image);
		JsonNode p = results.path("parameters");
		JsonNode m = results.path("machine");
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
		g.drawString(String.format(Locale.ROOT,
				"Periodic checkpointing, %d guests every %d ms (%d block requests in flight each): per 250 ms, median and max",
				p.path("guests").asInt(), p.path("intervalMs").asInt(), p.path("inFlight").asInt()), 20, 26);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.drawString(String.format(Locale.ROOT, "%s, %d cores, load average %.1f -> %.1f, %s", results.path("service")
			.asText(), m.path("cores").asInt(), m.path("loadAverageAtStart").asDouble(), m.path("loadAverage").asDouble(),
				results.path("date").asText()), 20, 46);
		int w = WIDTH - LEFT - 30;
		int h = HEIGHT - TOP - 50;
		double maxT = series.get(series.size() - 1).path("atMs").asDouble() + 250;
		double maxMs = 1;
		for (JsonNode s : series) {
			maxMs = Math.max(maxMs, Math.max(s.path("pausedMaxMs").asDouble(), s.path("persistMaxMs").asDouble()));
		}
		double top = Math.pow(10, Math.ceil(Math.log10(maxMs)));
		axes(g, w, h, maxT, top);
		line(g, series, "persistMaxMs", lighter(PERSIST), w, h, maxT, top);
		line(g, series, "pausedMaxMs", lighter(PAUSE), w, h, maxT, top);
		line(g, series, "persistP50Ms", PERSIST, w, h, maxT, top);
		line(g, series, "pausedP50Ms", PAUSE, w, h, maxT, top);
		legend(g);
		g.dispose();
		Png.write(image, file);
	}

	/** y of a value in ms on the log scale from 0.5 ms (0 and below sit on the axis) to {@code top}. */
	private static int y(double ms, int h, double top) {
		double lo = Math.log10(0.5);
		double v = (Math.log10(Math.max(ms, 0.5)) - lo) / (Math.log10(top) - lo);
		return TOP + h - (int) Math.round(v * h);
	}

	private static int x(double atMs, int w, double maxT) {
		return LEFT + (int) Math.round(atMs / maxT * w);
	}

	private static void axes(Graphics2D g, int w, int h, double maxT, double top) {
		g.setColor(Color.GRAY);
		g.drawLine(LEFT, TOP, LEFT, TOP + h);
		g.drawLine(LEFT, TOP + h, LEFT + w, TOP + h);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		for (double ms = 1; ms <= top; ms *= 10) {
			int y = y(ms, h, top);
			g.setColor(new Color(0xdddddd));
			g.drawLine(LEFT + 1, y, LEFT + w, y);
			g.setColor(Color.DARK_GRAY);
			g.drawString(String.format(Locale.ROOT, "%.0f ms", ms), 10, y + 4);
		}
		int step = maxT > 30_000 ? 10 : maxT > 10_000 ? 5 : 1;
		for (int s = 0; s * 1000 <= maxT; s += step) {
			int x = x(s * 1000.0, w, maxT);
			g.drawLine(x, TOP + h, x, TOP + h + 4);
			g.drawString(s + " s", x - 8, TOP + h + 18);
		}
		g.drawString("time since the schedules started", LEFT + w / 2 - 80, TOP + h + 36);
	}

	private static void line(Graphics2D g, JsonNode series, String field, Color color, int w, int h, double maxT,
			double top) {
		g.setColor(color);
		g.setStroke(new BasicStroke(field.endsWith("P50Ms") ? 2f : 1f));
		int px = -1;
		int py = -1;
		for (JsonNode s : series) {
			int x = x(s.path("atMs").asDouble() + 125, w, maxT);
			int y = y(s.path(field).asDouble(), h, top);
			if (px >= 0) {
				g.drawLine(px, py, x, y);
			}
			px = x;
			py = y;
		}
		g.setStroke(new BasicStroke(1f));
	}

	private static void legend(Graphics2D g) {
		String[] labels = { "paused, median", "paused, max", "persist lag, median", "persist lag, max" };
		Color[] colors = { PAUSE, lighter(PAUSE), PERSIST, lighter(PERSIST) };
		int x = WIDTH - 640;
		for (int i = 0; i < labels.length; i++) {
			g.setColor(colors[i]);
			g.fillRect(x, 52, 14, 10);
			g.setColor(Color.BLACK);
			g.drawString(labels[i], x + 18, 62);
			x += 155;
		}
	}

	private static Color lighter(Color c) {
		return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
	}

}
