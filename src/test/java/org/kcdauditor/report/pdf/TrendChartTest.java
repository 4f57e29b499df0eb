package org.kcdauditor.report.pdf;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.Palette;
import org.kcdauditor.report.ReportView;

import java.awt.image.BufferedImage;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trend chart's category labels: short, never broken inside a timestamp. */
class TrendChartTest {

    static List<String> labels(String... times) {
        List<TrendPoint> trend = Stream.of(times).map(t -> new TrendPoint("r", t == null ? null : Instant.parse(t), 6,
                6, 0, 0, 0)).toList();
        List<TrendChart.Run> runs = TrendChart.labels(trend);
        assertEquals(trend.size(), new HashSet<>(runs).size(), "one category per run, also two in one minute");
        return runs.stream().map(TrendChart.Run::toString).toList();
    }

    @Test
    void dailyRunsAreLabelledByTheirDay() {
        assertEquals(List.of("11-30", "12-01", "12-02"), labels("2026-11-30T06:00:00Z", "2026-12-01T06:00:00Z",
                "2026-12-02T06:32:21Z"));
    }

    @Test
    void runsOfOneDayShowTheTimeToTheMinuteAndRunsOfSeveralDaysTheDayOnce() {
        // the review's chart broke "12-03 06:32:21" into "06:32:" and "21"; the day of runs of one day is the axis'
        assertEquals(List.of("06:31", "06:32", "06:32"), labels("2026-12-03T06:31:09Z", "2026-12-03T06:32:21Z",
                "2026-12-03T06:32:40Z"));
        assertEquals(List.of("12-02", "12-03", "", "?"), labels("2026-12-02T23:59:00Z", "2026-12-03T06:31:09Z",
                "2026-12-03T07:00:00Z", null));
    }

    /**
     * Review 4 item 9: 12 runs minutes apart on one morning (daemon, manual and recovered runs) drew "12-07 04:3x"
     * labels over each other into a smear, a plot about 5 points high and the percent axis' labels on top of each
     * other. At page 1's width and height the labels shown stand on one line and do not touch, and the plot keeps
     * its least height.
     */
    @Test
    void twelveRunsMinutesApartKeepLabelsApartAndThePlotReadable() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        List<TrendPoint> trend = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            trend.add(new TrendPoint("run-" + i, Instant.parse("2026-12-07T04:31:00Z").plusSeconds(60L * i), 12,
                    8 + i % 3, i % 2, i == 0 ? null : i % 4, i == 0 ? null : i % 3));
        }
        ReportView view = ReportView.of(h.withHistory(new HistorySections.Sections(h.history().withTrend(trend),
                h.baseline(), h.patches(), h.events(), h.imports())));
        byte[][] ttf = PdfReportWriter.fonts();
        // page 1's trend column (A4 less margins, the column beside "After the change")
        float width = (595 - 72) * DecisionPage.AFTER_TREND[1] / (DecisionPage.AFTER_TREND[0]
                + DecisionPage.AFTER_TREND[1]) - 4;
        TrendChart.Drawn drawn = TrendChart.draw(view, ttf[0], ttf[1], width, DecisionPage.CHART_HEIGHT);
        assertTrue(drawn.plot().getHeight() >= TrendChart.MIN_PLOT_HEIGHT, "plot " + drawn.plot());
        assertTrue(drawn.readable());
        List<java.awt.geom.Rectangle2D> shown = new java.util.ArrayList<>();
        for (Object e : drawn.info().getEntityCollection().getEntities()) {
            if (e instanceof org.jfree.chart.entity.CategoryLabelEntity l && !l.getKey().toString().isEmpty()
                    && l.getArea().getBounds2D().getWidth() > 0) {
                shown.add(l.getArea().getBounds2D());
            }
        }
        assertTrue(shown.size() >= 3, "some runs are labelled: " + shown);
        for (int i = 1; i < shown.size(); i++) {
            assertTrue(shown.get(i).getMinX() > shown.get(i - 1).getMaxX(), "labels overlap: " + shown);
            assertEquals(shown.get(0).getCenterY(), shown.get(i).getCenterY(), 0.5, "labels on one line: " + shown);
        }
    }

    @Test
    void aTrendWithoutFindingsDrawsOpenHighAtTheFootOfTheChartNotHalfWayUp() throws Exception {
        // every run clean: the findings axis must start at 0, or the open HIGH line at 0 stands mid-chart, where a
        // reader takes it for open HIGH findings
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        List<TrendPoint> trend = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            trend.add(new TrendPoint("run-" + i, Instant.parse("2026-11-26T06:00:00Z").plusSeconds(86_400L * i), 21,
                    21, 0, i == 0 ? null : 0, i == 0 ? null : 0));
        }
        ReportView view = ReportView.of(h.withHistory(new HistorySections.Sections(h.history().withTrend(trend),
                h.baseline(), h.patches(), h.events(), h.imports())));
        byte[][] ttf = PdfReportWriter.fonts();
        BufferedImage img = TrendChart.draw(view, ttf[0], ttf[1], 260, 140).image();
        int red = Palette.SERIES_HIGH.rgb() & 0xFFFFFF;
        int lowest = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == red) {
                    lowest = y;
                }
            }
        }
        // the legend's swatch is at the top; the line at 0 is the lowest red, just above the run labels
        assertTrue(lowest > img.getHeight() * 0.65, "open HIGH 0 drawn at " + lowest + " of " + img.getHeight());
    }

    /**
     * A healthy run's pairs OK % is 100: on an axis ending at 100 its line ran along the plot's top edge, each point's
     * marker cut in half. The axis leaves the headroom the findings axis leaves above its highest count (15 %) and
     * labels every 20 up to 100, none above.
     */
    @Test
    void theHundredPercentLineHasRoomAboveIt() {
        org.jfree.chart.axis.NumberAxis pct = TrendChart.percentAxis("Pairs OK %");
        assertEquals(115, pct.getUpperBound(), 0.001);
        assertEquals(0, pct.getLowerBound(), 0.001);
        // every 20, or every 50 on a low plot: never 10 (labels on each other), never a tick at 110 or 120
        assertEquals(20, pct.getStandardTickUnits().getCeilingTickUnit(1).getSize(), 0.001);
        assertEquals(50, pct.getStandardTickUnits().getLargerTickUnit(new org.jfree.chart.axis.NumberTickUnit(20))
                .getSize(), 0.001);
        assertEquals(50, pct.getStandardTickUnits().getCeilingTickUnit(1000).getSize(), 0.001);
    }

    /**
     * A run after a fix drew its change records (CHANGED_SINCE_LAST_RUN, INFO) as orange "New findings": the bars are
     * new problems, changes recorded and resolved findings, each named in the legend, as the console counts them.
     */
    @Test
    void changeRecordsAreABarOfTheirOwnNotNewProblems() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        List<TrendPoint> trend = List.of(new TrendPoint("run-0", Instant.parse("2026-12-01T06:00:00Z"), 24, 6, 16, 5,
                0), new TrendPoint("run-1", Instant.parse("2026-12-07T06:00:00Z"), 24, 24, 0, 2, 14, 2));
        ReportView view = ReportView.of(h.withHistory(new HistorySections.Sections(h.history().withTrend(trend),
                h.baseline(), h.patches(), h.events(), h.imports())));
        byte[][] ttf = PdfReportWriter.fonts();
        TrendChart.Drawn drawn = TrendChart.draw(view, ttf[0], ttf[1], 260, 140);
        java.util.Map<String, Number> last = new java.util.HashMap<>();
        java.util.Set<String> legend = new HashSet<>();
        for (Object e : drawn.info().getEntityCollection().getEntities()) {
            if (e instanceof org.jfree.chart.entity.CategoryItemEntity c
                    && c.getColumnKey().toString().equals(TrendChart.labels(trend).get(1).toString())) {
                last.put(c.getRowKey().toString(), c.getDataset().getValue(c.getRowKey(), c.getColumnKey()));
            } else if (e instanceof org.jfree.chart.entity.LegendItemEntity l) {
                legend.add(l.getSeriesKey().toString());
            }
        }
        assertEquals(0, last.get("New problems").intValue(), last.toString());
        assertEquals(2, last.get("Changes recorded").intValue(), last.toString());
        assertEquals(14, last.get("Resolved findings").intValue(), last.toString());
        assertEquals(new HashSet<>(ReportView.TREND_SERIES), legend);
    }
}
