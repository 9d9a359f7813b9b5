package org.xso.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** The plots' canvas (Java2D, headless, white, antialiased) and their file. */
final class Png {

	private Png() {
	}

	static BufferedImage image(int width, int height) {
		System.setProperty("java.awt.headless", "true");
		return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
	}

	/** A graphics context on {@code image}, cleared to white, drawing in black. */
	static Graphics2D canvas(BufferedImage image) {
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.setColor(Color.BLACK);
		return g;
	}

	static void write(BufferedImage image, Path file) {
		try {
			if (file.getParent() != null) {
				Files.createDirectories(file.getParent());
			}
			ImageIO.write(image, "png", file.toFile());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
