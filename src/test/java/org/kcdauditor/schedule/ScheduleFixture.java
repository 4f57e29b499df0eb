package org.kcdauditor.schedule;

import org.kcdauditor.directory.DemoDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Configs for the scheduling tests: the realistic demo directory (config/demo/contoso.ldif, served
 * in-process over LDAP), an H2 store or a given JDBC URL, a schedule and a mail section.
 */
public final class ScheduleFixture {
    public static final String LDAP_ENV = "KCD_TEST_LDAP_PASSWORD";
    public static final String SMTP_ENV = "KCD_TEST_SMTP_PASSWORD";
    public static final String SMTP_PASSWORD = "Smtp-S3cret-Never-Logged";
    public static final String FROM = "kcd-audit@contoso.com";
    public static final String TEAM = "hyperv-team@contoso.com";
    public static final String HVC1_OWNER = "hvc1-owner@contoso.com";

    private ScheduleFixture() {
    }

    public static DemoDirectory directory() throws Exception {
        return DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
    }

    public static Map<String, String> env(DemoDirectory d) {
        return Map.of(LDAP_ENV, d.password(), SMTP_ENV, SMTP_PASSWORD);
    }

    /**
     * @param storeUrl null for an H2 file in dir/data
     * @param schedule the YAML of the schedule: list (indented by two), or null
     * @param mail     the YAML of the mail: mapping body (indented by two), or null
     * @param extra    further top-level YAML
     */
    public static Path config(Path dir, DemoDirectory d, String storeUrl, String schedule, String mail, String extra)
            throws IOException {
        return config(dir, d.url(), storeUrl, schedule, mail, extra);
    }

    /** The same with a directory URL that is never contacted (tests that audit nothing). */
    public static Path config(Path dir, String directoryUrl, String storeUrl, String schedule, String mail,
                              String extra) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("directory:\n  url: ").append(directoryUrl).append("\n  bindDn: ").append(DemoDirectory.BIND_DN)
                .append("\n  passwordEnv: ").append(LDAP_ENV).append("\n  baseDn: ").append(DemoDirectory.BASE_DN)
                .append("\n  allowInsecureBind: true\n  pageSize: 100\n");
        y.append("""
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03]
                  - name: HVC2
                    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com
                policy:
                  services: ["Microsoft Virtual System Migration Service", "cifs"]
                  nameForms: [netbios, fqdn]
                  protocolTransition: either
                reports:
                  dir: reports
                  formats: [json]
                """);
        y.append("store:\n  url: ").append(storeUrl == null ? "jdbc:h2:file:data/kcd-audit" : storeUrl).append('\n');
        if (schedule != null) {
            y.append("schedule:\n").append(schedule.stripTrailing()).append('\n');
        }
        if (mail != null) {
            y.append("mail:\n").append(mail.stripTrailing()).append('\n');
        }
        if (extra != null) {
            y.append(extra.stripTrailing()).append('\n');
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("kcd-audit.yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    /** A mail section for a GreenMail SMTP server on 127.0.0.1 (security none is allowed for loopback). */
    public static String mail(int port, int attachPdfMaxMb) {
        return "  host: 127.0.0.1\n  port: " + port + "\n  security: none\n  username: " + FROM
                + "\n  passwordEnv: " + SMTP_ENV + "\n  from: " + FROM + "\n  to: [" + TEAM + "]\n"
                + "  clusterRecipients: {HVC1: [" + HVC1_OWNER + "]}\n  attachPdfMaxMb: " + attachPdfMaxMb + "\n"
                + "  timeoutSeconds: 3\n";
    }

    /** A TCP port nothing listens on at the moment (for a server a test starts, or leaves down). */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A GreenMail SMTP server on 127.0.0.1:{@code port} (not started) that accepts {@link #mail}'s user and password. */
    public static com.icegreen.greenmail.util.GreenMail smtp(int port) {
        com.icegreen.greenmail.util.GreenMail g = new com.icegreen.greenmail.util.GreenMail(
                org.kcdauditor.support.Smtp.on(port, com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP));
        g.setUser(FROM, FROM, SMTP_PASSWORD);
        return g;
    }

    /** Everything written to System.err (the console log's target) while {@code body} runs. */
    public static String captureErr(ThrowingRunnable body) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        old.print(s);
        return s;
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
