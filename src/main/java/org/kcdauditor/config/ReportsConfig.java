package org.kcdauditor.config;

import java.util.List;

/** {@code reports:} — where runs write and which formats (default: all). */
public record ReportsConfig(String dir, List<String> formats) {
    public ReportsConfig {
        formats = formats == null ? null : List.copyOf(formats);
    }
}
