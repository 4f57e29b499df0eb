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
    /** Where the bind password comes from, in the help of every command that binds to the directory. */
    static final String PASSWORD_HELP = "Password: from the environment variable directory.passwordEnv names (export"
            + " KCD_AUDIT_LDAP_PASSWORD=... for the example config) or the file directory.passwordFile; never in the"
            + " YAML.";


    public Secrets secrets() {
        return new Secrets(env);
    }

    /** The files shipped with the tool (templates, hardening catalogue, demo). */
    public Installation installation() {
        return Installation.at(home);
    }
}
