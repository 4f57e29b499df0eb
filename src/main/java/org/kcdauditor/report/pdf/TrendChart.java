package org.kcdauditor.report.pdf;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.Palette;
import org.kcdauditor.report.ReportView;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The trend chart of the decision page, drawn by JFreeChart into an image: pairs OK in percent (left axis) and,
 * on the right axis, open HIGH findings as a line and the findings new and resolved against the previous run as
 * bars, one category per run, oldest first. The series are the view's ({@link ReportView#TREND_SERIES}), the
 * same the workbook's Trend sheet holds; the fonts are the PDF's own DejaVu Sans.
 */
final class TrendChart {
    /** Pixels per PDF point: sharp in print and when zoomed in. */
    static final int SCALE = 3;
    /** Runs up to which the labels stand upright (day and time on two lines); beyond, they are turned by 45°. */
    static final int ROTATE_ABOVE = 6;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrendChart() {
    }

    /** Room above each axis' highest value, so a line there is not drawn along the plot's top edge. */
    private static final double HEADROOM = 1.15;

    /**
     * The pairs OK % axis: 0 to 100 with the findings axis' headroom above (a healthy run's 100 % ran along the top
     * edge, its markers cut in half), labelled every 20 up to 100 and none above.
     */
    static NumberAxis percentAxis(String name) {
        NumberAxis pct = new NumberAxis(name);
        pct.setRange(0, 100 * HEADROOM);
        pct.setTickUnit(new NumberTickUnit(20));
        return pct;
    }

    /** The chart of {@code view}'s trend, {@code width} × {@code height} points, as an RGB image at {@link #SCALE}. */
    static BufferedImage draw(ReportView view, byte[] regularTtf, byte[] boldTtf, float width, float height)
            throws IOException {
        List<TrendPoint> trend = view.trend();
        List<Run> labels = labels(trend);
        List<String> names = ReportView.TREND_SERIES;
        DefaultCategoryDataset percent = new DefaultCategoryDataset();
        DefaultCategoryDataset high = new DefaultCategoryDataset();
        DefaultCategoryDataset changes = new DefaultCategoryDataset();
        for (int i = 0; i < trend.size(); i++) {
            TrendPoint t = trend.get(i);
            Run label = labels.get(i);
            percent.addValue(t.pairsOkPercent(), names.get(0), label);
            high.addValue(t.openHigh(), names.get(1), label);
            changes.addValue(t.newFindings(), names.get(2), label);
            changes.addValue(t.resolvedFindings(), names.get(3), label);
        }
        Font regular;
        Font bold;
        try {
            regular = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(regularTtf));
            bold = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(boldTtf));
        } catch (java.awt.FontFormatException e) {
            throw new IOException("the chart font cannot be read: " + e.getMessage(), e);
        }

        CategoryAxis x = new CategoryAxis(null);
        x.setCategoryLabelPositions(trend.size() > ROTATE_ABOVE ? CategoryLabelPositions.UP_45
                : CategoryLabelPositions.STANDARD);
        x.setMaximumCategoryLabelLines(2);
        x.setLowerMargin(0.02);
        x.setUpperMargin(0.02);
        NumberAxis pct = percentAxis(names.get(0));
        NumberAxis count = new NumberAxis("Findings");
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // counts start at 0; with every count 0 the automatic range centres 0 half-way up the chart, where the open
        // HIGH line would read as open findings
        int most = 0;
        for (TrendPoint t : trend) {
            for (Integer v : new Integer[]{t.openHigh(), t.newFindings(), t.resolvedFindings()}) {
                most = Math.max(most, v == null ? 0 : v);
            }
        }
        count.setRange(0, Math.max(most, 1) * HEADROOM);

        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setMaximumBarWidth(0.08);
        bars.setSeriesPaint(0, color(Palette.SERIES_NEW));
        bars.setSeriesPaint(1, color(Palette.SERIES_RESOLVED));
        LineAndShapeRenderer highLine = new LineAndShapeRenderer(true, true);
        highLine.setSeriesPaint(0, color(Palette.SERIES_HIGH));
        highLine.setSeriesStroke(0, new BasicStroke(2f));
        LineAndShapeRenderer okLine = new LineAndShapeRenderer(true, true);
        okLine.setSeriesPaint(0, color(Palette.SERIES_PAIRS_OK));
        okLine.setSeriesStroke(0, new BasicStroke(2.5f));

        CategoryPlot plot = new CategoryPlot(changes, x, count, bars);
        plot.setRangeAxis(1, pct);
        plot.setDataset(1, high);
        plot.setRenderer(1, highLine);
        plot.mapDatasetToRangeAxis(1, 0);
        plot.setDataset(2, percent);
        plot.setRenderer(2, okLine);
        plot.mapDatasetToRangeAxis(2, 1);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(color(Palette.LINE));
        plot.setOutlineVisible(false);

        JFreeChart chart = new JFreeChart(null, bold.deriveFont(9f), plot, true);
        StandardChartTheme theme = new StandardChartTheme("kcd-audit");
        theme.setExtraLargeFont(bold.deriveFont(10f));
        theme.setLargeFont(bold.deriveFont(8f));
        theme.setRegularFont(regular.deriveFont(7.5f));
        theme.setSmallFont(regular.deriveFont(7f));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(color(Palette.LINE));
        theme.setRangeGridlinePaint(color(Palette.LINE));
        theme.setAxisLabelPaint(color(Palette.MUTED));
        theme.setTickLabelPaint(color(Palette.MUTED));
        theme.setLegendItemPaint(Color.BLACK);
        theme.setBarPainter(new StandardBarPainter());
        theme.setShadowVisible(false);
        theme.apply(chart);
        // the theme resets series paints of the renderers: set them again
        bars.setSeriesPaint(0, color(Palette.SERIES_NEW));
        bars.setSeriesPaint(1, color(Palette.SERIES_RESOLVED));
        highLine.setSeriesPaint(0, color(Palette.SERIES_HIGH));
        okLine.setSeriesPaint(0, color(Palette.SERIES_PAIRS_OK));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);

        BufferedImage img = new BufferedImage(Math.round(width * SCALE), Math.round(height * SCALE),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * One category per run, keyed by its position (two runs in one minute are two points) and labelled short, so
     * that a label never wraps inside a timestamp: the day ({@code 12-03}) where every run has a day of its own,
     * else day and time, on two lines ({@code 12-03} / {@code 06:48}) or, turned, on one; "?" for a run without a
     * time. The runs are in order, oldest first, so a turn of the year reads from the sequence. (The workbook's
     * Trend sheet keeps {@link ReportView#trendLabels}, unique to the second: a table cell does not wrap.)
     */
    static List<Run> labels(List<TrendPoint> trend) {
        DateTimeFormatter day = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        List<String> days = trend.stream().map(t -> t.finishedAt() == null ? "?"
                : DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(t.finishedAt())).toList();
        boolean daily = new HashSet<>(days).size() == days.size();
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < trend.size(); i++) {
            Instant at = trend.get(i).finishedAt();
            out.add(new Run(i, at == null ? "?" : daily ? day.format(at) : day.format(at) + (trend.size() > ROTATE_ABOVE
                    ? " " : "\n") + time.format(at)));
        }
        return out;
    }

    /** A category of the chart: the run's position and its label. */
    record Run(int index, String label) implements Comparable<Run> {
        @Override
        public int compareTo(Run o) {
            return Integer.compare(index, o.index);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static Color color(Palette p) {
        return new Color(p.rgb());
    }
}
