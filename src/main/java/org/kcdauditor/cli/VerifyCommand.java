package org.kcdauditor.cli;

import org.kcdauditor.config.ConfigException;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.Manifest;
import org.kcdauditor.report.Words;
import org.kcdauditor.run.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a run's report folder against its manifest.sha256: that every file the run (or report"
                + " --from) wrote is there and unchanged, and that no report stands there it did not write.",
        footer = {"", "One line per file: OK, CHANGED (its SHA-256 differs), MISSING, or UNLISTED (a report file the"
                + " manifest does not list). sha256sum -c manifest.sha256 checks the same files.",
                "A manifest written again with the files passes too: compare its own SHA-256 (Get-FileHash"
                        + " manifest.sha256) with the one the run printed and you filed elsewhere.",
                "Exit code 0 when every file matches, 3 when one does not, 2 when the folder has no manifest or it"
                        + " cannot be read as one, 1 when a file cannot be read.",
                "Example: kcd-audit verify reports/20261207-104103-0bae4ce4"})
final class VerifyCommand implements Callable<Integer> {
    private final Cli cli;

    @Parameters(paramLabel = "DIR", description = "The run's report folder (or its manifest.sha256).")
    Path dir;

    VerifyCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
        Path folder = Files.isDirectory(dir) ? dir : dir.getFileName() != null
                && dir.getFileName().toString().equals(Manifest.FILE_NAME) ? dir.toAbsolutePath().getParent() : null;
        if (folder == null) {
            throw new ConfigException(dir + ": " + (Files.exists(dir) ? "not a folder" : "no such folder")
                    + " (give the run's report folder)");
        }
        List<Manifest.Check> checks = Manifest.verify(folder);
        Path findings = folder.resolve(FindingsJson.FILE_NAME);
        String runId = Files.isRegularFile(findings) ? FindingsJson.runIdOf(findings) : null;
        cli.out().println((runId == null ? "Reports" : "Reports of run " + runId) + " in "
                + folder.toAbsolutePath().normalize() + ", against " + Manifest.FILE_NAME + ":");
        for (Manifest.Check c : checks) {
            cli.out().printf(Locale.ROOT, "  %-8s %s%n", c.state(), c.file());
        }
        long listed = checks.stream().filter(c -> c.state() != Manifest.State.UNLISTED).count();
        long ok = checks.stream().filter(c -> c.state() == Manifest.State.OK).count();
        long unlisted = checks.size() - listed;
        if (ok == listed && unlisted == 0) {
            cli.out().println(Words.plural((int) ok, "file") + " match " + Manifest.FILE_NAME + ".");
            return ExitCodes.OK;
        }
        long differ = listed - ok;
        cli.out().println(Words.plural((int) differ, "file") + " of " + listed + " listed " + (differ == 1 ? "does"
                : "do") + " not match " + Manifest.FILE_NAME + (unlisted == 0 ? "" : ", "
                + Words.plural((int) unlisted, "report") + " not listed") + ": " + (differ + unlisted == 1
                ? "it is not the file the run wrote." : "these are not the files the run wrote."));
        return ExitCodes.FINDINGS;
    }
}
