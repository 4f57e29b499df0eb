package org.kcdauditor.home;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version and commit this kcd-audit was built from ({@code org/kcdauditor/build.properties}, written by Maven). */
public final class Build {
    private Build() {
    }

    /** {@code kcd-audit 0.1.0 (commit 9958cb516a)}: the first line of {@code kcd-audit --version}. */
    public static String describe() {
        Properties build = new Properties();
        try (InputStream in = Build.class.getResourceAsStream("/org/kcdauditor/build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "kcd-audit " + build.getProperty("version", "unknown") + " (commit " + build.getProperty("commit",
                "unknown") + ")";
    }
}
