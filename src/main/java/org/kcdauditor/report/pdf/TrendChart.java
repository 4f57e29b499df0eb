package org.kcdauditor.report.pdf;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.CategoryTick;
import org.jfree.chart.text.TextBlock;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.plot.PlotRenderingInfo;
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
import java.util.Set;

/**
 * The trend chart of the decision page, drawn by JFreeChart into an image: pairs OK in percent (right axis) and,
 * on the left axis, open HIGH findings as a line and as bars the new problems, the findings resolved and the changes
 * recorded (CHANGED_SINCE_LAST_RUN, INFO) against the previous run, one category per run, oldest first. The series
 * are the view's ({@link ReportView#TREND_SERIES}), the same the workbook's Trend sheet holds; the fonts are the PDF's
 * own DejaVu Sans.
 */
final class TrendChart {
    /** Pixels per PDF point: sharp in print and when zoomed in. */
    static final int SCALE = 3;
    /**
     * The least height in points of the plot, inside the axes: below it the axis labels stood on each other (12 runs
     * of one day left 5 points of plot under turned labels). {@link #draw} reports a smaller one; the caller leaves
     * the chart out then.
     */
    static final double MIN_PLOT_HEIGHT = 32;
    /** Points kept free between two run labels. */
    private static final double LABEL_GAP = 4;

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
     * edge, its markers cut in half), labelled every 20 (every 50 on a low plot) up to 100 and none above.
     */
    static NumberAxis percentAxis(String name) {
        NumberAxis pct = new NumberAxis(name);
        pct.setRange(0, 100 * HEADROOM);
        // every 20, or every 50 where the plot is too low for labels 20 apart not to touch; none above 100
        TickUnits units = new TickUnits();
        units.add(new NumberTickUnit(20));
        units.add(new NumberTickUnit(50));
        pct.setStandardTickUnits(units);
        pct.setAutoTickUnitSelection(true);
        return pct;
    }

    /** A drawn chart and where its plot (inside the axes) came to lie, in points. */
    record Drawn(BufferedImage image, Rectangle2D plot, ChartRenderingInfo info) {
        /** Whether the plot has {@link #MIN_PLOT_HEIGHT}: where not, the chart is not to be shown. */
        boolean readable() {
            return plot.getHeight() >= MIN_PLOT_HEIGHT;
        }
    }

    /** The chart of {@code view}'s trend, {@code width} × {@code height} points, as an RGB image at {@link #SCALE}. */
    static Drawn draw(ReportView view, byte[] regularTtf, byte[] boldTtf, float width, float height)
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
            changes.addValue(t.newProblems(), names.get(2), label);
            changes.addValue(t.resolvedFindings(), names.get(3), label);
            changes.addValue(t.changeRecords(), names.get(4), label);
        }
        Font regular;
        Font bold;
        try {
            regular = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(regularTtf));
            bold = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(boldTtf));
        } catch (java.awt.FontFormatException e) {
            throw new IOException("the chart font cannot be read: " + e.getMessage(), e);
        }

        CategoryAxis x = new ThinnedAxis(oneDay(trend));
        x.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        x.setMaximumCategoryLabelLines(1);
        // a label may be wider than its run's share of the axis (else JFreeChart cuts it to "…"): the axis thins them
        x.setMaximumCategoryLabelWidthRatio(20f);
        x.setLowerMargin(0.02);
        x.setUpperMargin(0.02);
        // the axes are not named: the legend names the series, the caption under the chart which axis each reads
        // on, and the names took the width the legend needs to stay on one line, the height the plot needs
        NumberAxis pct = percentAxis(null);
        NumberAxis count = new NumberAxis(null);
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // counts start at 0; with every count 0 the automatic range centres 0 half-way up the chart, where the open
        // HIGH line would read as open findings
        int most = 0;
        for (TrendPoint t : trend) {
            for (Integer v : new Integer[]{t.openHigh(), t.newProblems(), t.resolvedFindings(), t.changeRecords()}) {
                most = Math.max(most, v == null ? 0 : v);
            }
        }
        count.setRange(0, Math.max(most, 1) * HEADROOM);

        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setMaximumBarWidth(0.08);
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
        // the theme resets series paints of the renderers: set them after it
        bars.setSeriesPaint(0, color(Palette.SERIES_NEW));
        bars.setSeriesPaint(1, color(Palette.SERIES_RESOLVED));
        bars.setSeriesPaint(2, color(Palette.SERIES_CHANGES));
        highLine.setSeriesPaint(0, color(Palette.SERIES_HIGH));
        okLine.setSeriesPaint(0, color(Palette.SERIES_PAIRS_OK));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
        // what the plot's height is kept for: the legend and the day under the runs in the small font
        legend.setItemFont(regular.deriveFont(6f));
        legend.setItemLabelPadding(new RectangleInsets(1, 1, 1, 3));
        x.setLabelFont(regular.deriveFont(7f));
        x.setLabelInsets(new RectangleInsets(1, 0, 0, 0));
        x.setTickLabelInsets(new RectangleInsets(1, 0, 0, 0));
        chart.setPadding(new RectangleInsets(1, 1, 1, 1));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);

        BufferedImage img = new BufferedImage(Math.round(width * SCALE), Math.round(height * SCALE),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height), info);
        } finally {
            g.dispose();
        }
        return new Drawn(img, info.getPlotInfo().getDataArea(), info);
    }

    /** The day of every run when all ran on one day (their labels then give the time only), else null. */
    private static String oneDay(List<TrendPoint> trend) {
        Set<String> days = new HashSet<>();
        for (TrendPoint t : trend) {
            days.add(t.finishedAt() == null ? "?" : DAY.format(t.finishedAt()));
        }
        return days.size() == 1 && !days.contains("?") ? days.iterator().next() : null;
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);

    /**
     * The run axis, its labels thinned as drawn: from the oldest run on, a label is shown only where it clears the
     * last one shown by {@link #LABEL_GAP} (measured in the label's font across the plot's real width), so that 12
     * runs of one morning do not run into a smear. Runs of one day name that day once, as the axis' label.
     */
    private static final class ThinnedAxis extends CategoryAxis {
        ThinnedAxis(String day) {
            super(day == null ? null : day + " (UTC)");
        }

        /** The plot's area inside the axes while the labels are drawn: JFreeChart lays the ticks out over the whole. */
        private Rectangle2D drawnData;

        @Override
        protected AxisState drawCategoryLabels(Graphics2D g2, Rectangle2D plotArea, Rectangle2D dataArea,
                                               RectangleEdge edge, AxisState state, PlotRenderingInfo plotState) {
            drawnData = dataArea;
            try {
                return super.drawCategoryLabels(g2, plotArea, dataArea, edge, state, plotState);
            } finally {
                drawnData = null;
            }
        }

        @Override
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D area, RectangleEdge edge) {
            Rectangle2D dataArea = drawnData == null ? area : drawnData;
            List<?> ticks = super.refreshTicks(g2, state, dataArea, edge);
            List<CategoryTick> out = new ArrayList<>();
            double lastRight = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < ticks.size(); i++) {
                CategoryTick t = (CategoryTick) ticks.get(i);
                String text = t.getCategory().toString();
                g2.setFont(getTickLabelFont(t.getCategory()));
                double w = g2.getFontMetrics().getStringBounds(text, g2).getWidth();
                double middle = getCategoryMiddle(i, ticks.size(), dataArea, edge);
                boolean shown = !text.isEmpty() && middle - w / 2 >= lastRight + LABEL_GAP;
                if (shown) {
                    lastRight = middle + w / 2;
                }
                out.add(shown ? t : new CategoryTick(t.getCategory(), new TextBlock(), t.getLabelAnchor(),
                        t.getRotationAnchor(), t.getAngle()));
            }
            return out;
        }
    }

    /**
     * One category per run, keyed by its position (two runs in one minute are two points) and labelled short, on one
     * line: the time to the minute ({@code 06:48}) where all runs are of one day (the axis names the day), else the
     * day ({@code 12-03}) at the first run of each day and nothing at the others of that day; "?" for a run without
     * a time. The runs are in order, oldest first, so a turn of the year reads from the sequence. The axis thins the
     * labels further where they would touch. (The workbook's Trend sheet keeps {@link ReportView#trendLabels}, unique
     * to the second: a table cell does not wrap.)
     */
    static List<Run> labels(List<TrendPoint> trend) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        boolean oneDay = oneDay(trend) != null;
        List<Run> out = new ArrayList<>();
        String previous = null;
        for (int i = 0; i < trend.size(); i++) {
            Instant at = trend.get(i).finishedAt();
            String day = at == null ? null : DAY.format(at);
            out.add(new Run(i, at == null ? "?" : oneDay ? time.format(at) : day.equals(previous) ? "" : day));
            previous = day;
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
