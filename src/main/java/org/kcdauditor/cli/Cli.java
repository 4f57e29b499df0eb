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
            + " the YAML. The example config's variable, for this session, asked for without echo (typed after"
            + " the = it stays in the shell's history):";
    /**
     * {@link #PASSWORD_HELP}'s commands, each a line of its own (a wrapped one would break inside the name), labelled
     * so that each line pastes as it is: the sh one by a comment; the PowerShell one is two lines, an assignment that
     * ends a line with "=" going on on the next. cmd.exe cannot read without echo: its value is in double quotes, so
     * that a password's {@code &}, {@code |} or {@code ^} stays in it.
     */
    static final String PASSWORD_SH = "  read -rs KCD_AUDIT_LDAP_PASSWORD && export KCD_AUDIT_LDAP_PASSWORD    # sh";
    static final String PASSWORD_PS = "  PowerShell, both lines:";
    static final String PASSWORD_PS_1 = "  $env:KCD_AUDIT_LDAP_PASSWORD =";
    static final String PASSWORD_PS_2 = "    (Get-Credential svc-kcdaudit).GetNetworkCredential().Password";
    static final String PASSWORD_CMD = "  cmd, echoed; in double quotes, which keep a password's & | ^ in it:";
    static final String PASSWORD_CMD_1 = "  set \"KCD_AUDIT_LDAP_PASSWORD=...\"";

    /** The {@code --config} option of the commands whose example names config/kcd-audit.yaml, which no archive holds. */
    static final String CONFIG_OPTION = "The YAML configuration: config/kcd-audit.yaml in the examples stands for your"
            + " copy of config/kcd-audit.example.yaml, edited and kept outside the installation folder, which an"
            + " upgrade replaces (docs/install.md); no default.";


    public Secrets secrets() {
        return new Secrets(env);
    }

    /** The files shipped with the tool (templates, hardening catalogue, demo). */
    public Installation installation() {
        return Installation.at(home);
    }
}
