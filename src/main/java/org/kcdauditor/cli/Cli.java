package org.kcdauditor.cli;

import org.kcdauditor.config.Secrets;
import org.kcdauditor.home.Installation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What every command needs from its surroundings, passed in rather than read from globals, so
 * tests run commands in-process with their own streams, environment and clock. {@code out} and
 * {@code err} strip control characters ({@link ConsoleText}); {@code terminal} is stderr unfiltered, for
 * the progress line's own carriage return and erase sequence only.
 */
public record Cli(PrintStream out, PrintStream err, PrintStream terminal, Map<String, String> env, Clock clock,
                  Path home) {

    public Secrets secrets() {
        return new Secrets(env);
    }

    /** The files shipped with the tool (templates, hardening catalogue, demo). */
    public Installation installation() {
        return Installation.at(home);
    }
}
