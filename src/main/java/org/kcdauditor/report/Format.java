package org.kcdauditor.report;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The output formats: the word used in {@code --formats} and {@code reports.formats}, and the file written. */
public enum Format {
    JSON("json", "findings.json"),
    XLSX("xlsx", "audit.xlsx"),
    PDF("pdf", "audit.pdf"),
    MD("md", "runbook.md"),
    HTML("html", "runbook.html"),
    PS1("ps1", "remediation.ps1");

    private final String word;
    private final String fileName;

    Format(String word, String fileName) {
        this.word = word;
        this.fileName = fileName;
    }

    public String word() {
        return word;
    }

    public String fileName() {
        return fileName;
    }

    /** The known words, for messages: {@code json, xlsx, pdf, md, html, ps1}. */
    public static String known() {
        return Arrays.stream(values()).map(Format::word).collect(Collectors.joining(", "));
    }

    /** The format of a word, or null. */
    public static Format of(String word) {
        String w = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
        for (Format f : values()) {
            if (f.word.equals(w)) {
                return f;
            }
        }
        return null;
    }

    /**
     * The formats {@code words} name (all when null); an unknown word is a usage error naming {@code where}
     * ({@code --formats}; the configuration's {@code reports.formats} is checked when it is loaded).
     */
    public static Set<Format> parse(Collection<String> words, String where) {
        if (words == null) {
            return EnumSet.allOf(Format.class);
        }
        Set<Format> out = EnumSet.noneOf(Format.class);
        for (String w : words) {
            Format f = of(w);
            if (f == null) {
                throw new IllegalArgumentException(where + ": unknown format '" + (w == null ? "" : w.trim())
                        + "' (known: " + known() + ")");
            }
            out.add(f);
        }
        return out;
    }
}
