package io.domainautomation.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Grouped bar charts as PNG, drawn with Java2D: no charting dependency for two pictures. */
final class Chart {

    record Group(String label, List<Double> values) {
    }

    private static final Color[] COLOURS = { new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0xB279A2) };

    private Chart() {
    }

    static void bars(Path file, String title, String unit, List<String> series, List<Group> groups) throws IOException {
        int width = 1000;
        int height = 480;
        int left = 80;
        int bottom = 90;
        int top = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        double max = groups.stream().flatMap(gr -> gr.values().stream()).mapToDouble(Double::doubleValue).max().orElse(1) * 1.15;
        int plotHeight = height - top - bottom;
        int plotWidth = width - left - 30;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int tick = 0; tick <= 5; tick++) {
            double value = max * tick / 5;
            int y = top + plotHeight - (int) (plotHeight * tick / 5.0);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, left + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.1f", value), 10, y + 4);
        }
        g.drawString(unit, 10, top - 10);
        int groupWidth = plotWidth / Math.max(1, groups.size());
        int barWidth = Math.max(8, (groupWidth - 20) / Math.max(1, series.size()));
        for (int i = 0; i < groups.size(); i++) {
            Group group = groups.get(i);
            int x0 = left + i * groupWidth + 10;
            for (int s = 0; s < group.values().size(); s++) {
                double value = group.values().get(s);
                int barHeight = (int) (plotHeight * value / max);
                g.setColor(COLOURS[s % COLOURS.length]);
                g.fillRect(x0 + s * barWidth, top + plotHeight - barHeight, barWidth - 4, barHeight);
            }
            g.setColor(Color.BLACK);
            g.drawString(group.label(), x0, top + plotHeight + 18);
        }
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, top + plotHeight, left + plotWidth, top + plotHeight);
        int legendStep = plotWidth / Math.max(1, series.size());
        for (int s = 0; s < series.size(); s++) {
            g.setColor(COLOURS[s % COLOURS.length]);
            g.fillRect(left + s * legendStep, height - 40, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), left + s * legendStep + 20, height - 28);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
