package org.kcdauditor.cli;

import org.kcdauditor.home.Installation;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a command that needs {@code --config} says when it was not given one. There is no default config (a default
 * could read another history store than the runs were made with); the line names the config where README and
 * docs/install.md put it: {@code config/kcd-audit.yaml} of the current folder or of the installation folder,
 * {@code /etc/kcd-audit/kcd-audit.yaml} (Linux), {@code %ProgramData%\kcd-audit\kcd-audit.yaml} (the daemon as a task)
 * and {@code %USERPROFILE%\kcd-audit\kcd-audit.yaml} (an admin's workstation).
 */
final class ConfigPlaces {
    private static final String NAME = "kcd-audit.yaml";

    private ConfigPlaces() {
    }

    /** The same for the command line's current folder and installation, as the console says it. */
    static String missing(Cli cli) {
        return missing(Path.of("").toAbsolutePath(), cli.home().toAbsolutePath(), cli.env(), ShellArg.WINDOWS);
    }

    /**
     * "there is no default; found FILE: --config FILE" (the first found, as one shell argument), or where it looked
     * and the example to copy.
     */
    static String missing(Path cwd, Path home, Map<String, String> env, boolean windows) {
        List<Path> places = places(cwd, home, env, windows);
        List<Path> found = places.stream().filter(Files::isRegularFile).toList();
        if (!found.isEmpty()) {
            return "there is no default; found " + String.join(", ", found.stream().map(Path::toString).toList())
                    + ": --config " + ShellArg.of(found.get(0), windows);
        }
        Path example = Installation.at(home).exampleConfig();
        return "there is no default, and no config is at " + String.join(", ", places.stream().map(Path::toString)
                .toList()) + ": copy " + (example != null ? example.toAbsolutePath().normalize().toString()
                : "config/kcd-audit.example.yaml of the installation folder") + " (docs/install.md says where) and give"
                + " it as --config FILE";
    }

    private static List<Path> places(Path cwd, Path home, Map<String, String> env, boolean windows) {
        Set<Path> places = new LinkedHashSet<>();
        places.add(cwd.resolve("config").resolve(NAME).normalize());
        places.add(home.resolve("config").resolve(NAME).normalize());
        if (!windows) {
            places.add(Path.of("/etc/kcd-audit").resolve(NAME));
        }
        for (String variable : List.of("ProgramData", "USERPROFILE")) {
            String folder = env.get(variable);
            if (folder != null && !folder.isBlank()) {
                try {
                    places.add(Path.of(folder).resolve("kcd-audit").resolve(NAME).normalize());
                } catch (InvalidPathException e) {
                    // not a folder name on this system: nothing to look in
                }
            }
        }
        return new ArrayList<>(places);
    }
}
