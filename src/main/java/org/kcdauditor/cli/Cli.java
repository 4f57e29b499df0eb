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
    static final String PASSWORD_HELP = "Password: from the environment variable directory.passwordEnv names or,"
            + " better on Windows and for a service, the file directory.passwordFile names (docs/install.md); never in"
            + " the YAML. The example config's variable, for this session:";
    /** {@link #PASSWORD_HELP}'s commands, each a line of its own (a wrapped one would break inside the name). */
    static final String PASSWORD_SH = "  export KCD_AUDIT_LDAP_PASSWORD=...         (a Unix shell)";
    static final String PASSWORD_PS = "  $env:KCD_AUDIT_LDAP_PASSWORD = '...'       (PowerShell)";

    /** The {@code --config} option of the commands whose example names config/kcd-audit.yaml, which no archive holds. */
    static final String CONFIG_OPTION = "The YAML configuration: config/kcd-audit.yaml in the examples is your copy of"
            + " config/kcd-audit.example.yaml, edited (docs/install.md); no default.";


    public Secrets secrets() {
        return new Secrets(env);
    }

    /** The files shipped with the tool (templates, hardening catalogue, demo). */
    public Installation installation() {
        return Installation.at(home);
    }
}
