package org.kcdauditor.report;

import org.kcdauditor.model.Severity;

/** The one set of colours every output uses (RGB): status lights, severities, table lines, waived rows. */
public enum Palette {
    GREEN(0xC6EFCE),
    AMBER(0xFFEB9C),
    RED(0xFFC7CE),
    /** The matrix diagonal (a host and itself). */
    GREY(0xD9D9D9),
    /** Headings and table headers. */
    NAVY(0x1F3864),
    LINE(0xBFBFBF),
    /** Label cells, INFO, waived rows' background. */
    LIGHT(0xF2F2F2),
    MUTED(0x595959),
    /** Text of waived findings: readable, but clearly not counted. */
    WAIVED(0x7F7F7F),
    /** LOW findings. */
    BLUE(0xDDEBF7),
    /** Cells to fill in (checklists). */
    INPUT(0xFFFFF0),
    /** Trend series (the PDF chart and the workbook's chart): pairs OK %, open HIGH, new problems, resolved, changes. */
    SERIES_PAIRS_OK(0x1F3864),
    SERIES_HIGH(0xC00000),
    SERIES_NEW(0xED7D31),
    SERIES_RESOLVED(0x70AD47),
    SERIES_CHANGES(0xA5A5A5),
    /** The HTML outputs (runbook.html, the mail): text of NO-GO and HIGH, MEDIUM and warnings, LOW, GO. */
    TEXT_BAD(0xB42318),
    TEXT_WARN(0x9A6700),
    TEXT_LOW(0x0550AE),
    TEXT_OK(0x1E7B34),
    /** Body text, code blocks' background and a warning's background in the HTML outputs. */
    TEXT(0x1F2328),
    CODE(0xF6F8FA),
    NOTE(0xFFF8C5);

    private final int rgb;

    Palette(int rgb) {
        this.rgb = rgb;
    }

    public int rgb() {
        return rgb;
    }

    /** {@code #C6EFCE}. */
    public String css() {
        return String.format("#%06X", rgb);
    }

    /** Every colour by name, as CSS ({@code RED} → {@code #FFC7CE}): the templates' {@code palette}. */
    public static java.util.Map<String, String> cssByName() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Palette p : values()) {
            out.put(p.name(), p.css());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    public static Palette of(Status s) {
        return switch (s) {
            case GREEN -> GREEN;
            case AMBER -> AMBER;
            case RED -> RED;
        };
    }

    public static Palette of(Severity s) {
        return switch (s) {
            case HIGH -> RED;
            case MEDIUM -> AMBER;
            case LOW -> BLUE;
            case INFO -> LIGHT;
        };
    }
}
