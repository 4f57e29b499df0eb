package org.kcdauditor.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.io.AtomicFiles;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Uac;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code baseline.yaml}. Reading rejects unknown keys, wrong types and unknown
 * userAccountControl flag names; syntax and type errors name {@code file:line:column}, semantic ones
 * the key path. Writing is atomic and in a fixed, review-friendly layout.
 */
public final class BaselineFile {
    record RawHost(List<String> userAccountControl, List<String> delegateTo) {
    }

    record RawWaiver(String rule, String host, String peer, String spn, String justification, LocalDate expires) {
    }

    record RawBaseline(Instant capturedAt, String capturedFrom, String approvedBy, LinkedHashMap<String, RawHost> hosts,
                       List<RawWaiver> waivers) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");
    private static final DateTimeFormatter BAK = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private BaselineFile() {
    }

    /** Reads a baseline; null when the file does not exist. Any other problem is a {@link ConfigException}. */
    public static Baseline readIfExists(Path file) {
        return Files.exists(file) ? read(file) : null;
    }

    public static Baseline read(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": baseline not found (write one with: kcd-audit baseline capture)");
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read the baseline: " + org.kcdauditor.io.IoErrors.describe(e));
        }
        if (text.isBlank()) {
            throw new ConfigException(name + ": the baseline is empty (write one with: kcd-audit baseline capture)");
        }
        RawBaseline raw;
        try {
            raw = YAML.readValue(text, RawBaseline.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(describe(name, e, text));
        }
        return validate(name, raw);
    }

    private static Baseline validate(String name, RawBaseline raw) {
        List<String> errors = new ArrayList<>();
        Map<String, HostState> hosts = new LinkedHashMap<>();
        if (raw.hosts() != null) {
            raw.hosts().forEach((host, h) -> {
                String at = "hosts." + host;
                if (h == null) {
                    hosts.put(host, new HostState(host, List.of(), List.of()));
                    return;
                }
                List<String> flags = h.userAccountControl() == null ? List.of() : h.userAccountControl();
                for (int i = 0; i < flags.size(); i++) {
                    try {
                        Uac.fromNames(List.of(String.valueOf(flags.get(i))));
                    } catch (IllegalArgumentException e) {
                        errors.add(at + ".userAccountControl[" + i + "]: " + e.getMessage());
                    }
                }
                List<String> dt = h.delegateTo() == null ? List.of() : h.delegateTo();
                for (int i = 0; i < dt.size(); i++) {
                    if (dt.get(i) == null || dt.get(i).isBlank()) {
                        errors.add(at + ".delegateTo[" + i + "]: empty entry");
                    }
                }
                hosts.put(host, new HostState(host, flags, dt));
            });
        }
        List<Waiver> waivers = new ArrayList<>();
        List<RawWaiver> rw = raw.waivers() == null ? List.of() : raw.waivers();
        for (int i = 0; i < rw.size(); i++) {
            RawWaiver w = rw.get(i);
            String at = "waivers[" + i + "]";
            if (w == null) {
                errors.add(at + ": empty entry");
                continue;
            }
            if (blank(w.rule())) {
                errors.add(at + ".rule: missing (the rule id the waiver suppresses, e.g. MISSING_DELEGATION)");
            }
            if (blank(w.host())) {
                errors.add(at + ".host: missing");
            }
            if (blank(w.justification())) {
                errors.add(at + ".justification: missing (why the exception is accepted, with a change number)");
            }
            if (w.expires() == null) {
                errors.add(at + ".expires: missing (a date, e.g. 2026-12-31: waivers do not last forever)");
            }
            waivers.add(new Waiver(w.rule(), w.host(), blank(w.peer()) ? null : w.peer(),
                    blank(w.spn()) ? null : w.spn(), w.justification(), w.expires()));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(name + ": " + errors.get(0) + (errors.size() > 1 ? " (and " + (errors.size() - 1)
                    + " more: " + String.join("; ", errors.subList(1, errors.size())) + ")" : ""));
        }
        return new Baseline(raw.capturedAt(), raw.capturedFrom(), raw.approvedBy(), hosts, waivers);
    }

    /** The YAML text of a baseline, in the documented layout. */
    public static String format(Baseline b) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Documented Kerberos delegation baseline of the Hyper-V cluster nodes (kcd-audit baseline capture).\n");
        sb.append("# Review changes to this file like code: every deviation from it is a finding.\n");
        if (b.capturedAt() != null) {
            sb.append("capturedAt: ").append(b.capturedAt().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        }
        if (b.capturedFrom() != null) {
            sb.append("capturedFrom: ").append(scalar(b.capturedFrom())).append("   # run id\n");
        }
        if (b.approvedBy() != null) {
            sb.append("approvedBy: ").append(scalar(b.approvedBy())).append('\n');
        }
        sb.append(b.hosts().isEmpty() ? "hosts: {}\n" : "hosts:\n");
        b.hosts().forEach((name, h) -> {
            sb.append("  ").append(scalar(name)).append(":\n");
            sb.append("    userAccountControl: ").append(list(h.userAccountControl())).append('\n');
            sb.append("    delegateTo: ").append(list(h.delegateTo())).append('\n');
        });
        sb.append(b.waivers().isEmpty() ? "waivers: []\n" : "waivers:\n");
        for (Waiver w : b.waivers()) {
            sb.append("  - rule: ").append(scalar(w.rule())).append('\n');
            sb.append("    host: ").append(scalar(w.host())).append('\n');
            if (w.peer() != null) {
                sb.append("    peer: ").append(scalar(w.peer())).append('\n');
            }
            if (w.spn() != null) {
                sb.append("    spn: ").append(scalar(w.spn())).append('\n');
            }
            sb.append("    justification: ").append(quoted(w.justification())).append('\n');
            sb.append("    expires: ").append(w.expires()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes a baseline atomically. An existing file is refused unless {@code force}; then it is kept
     * as {@code <name>.<UTC timestamp>.bak} first.
     *
     * @return the backup written, or null
     */
    public static Path write(Path file, Baseline b, boolean force, Instant now) throws IOException {
        Path backup = null;
        if (Files.exists(file)) {
            if (!force) {
                throw new ConfigException(file + ": a baseline exists already; give --force to replace it"
                        + " (the old one is kept as " + file.getFileName() + ".<timestamp>.bak)");
            }
            backup = file.resolveSibling(file.getFileName() + "." + BAK.format(now) + ".bak");
            Files.copy(file, backup, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFiles.writeString(file, format(b));
        return backup;
    }

    private static String list(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(scalar(v));
        }
        return "[" + String.join(", ", out) + "]";
    }

    private static String scalar(String s) {
        return PLAIN.matcher(s).matches() && !List.of("true", "false", "null", "yes", "no", "on", "off", "~")
                .contains(s.toLowerCase(java.util.Locale.ROOT)) ? s : quoted(s);
    }

    /** A YAML double-quoted scalar (JSON string escapes are a subset of YAML's). */
    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String describe(String file, JsonProcessingException e, String text) {
        String where = e.getLocation() != null && e.getLocation().getLineNr() > 0
                ? ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr() : "";
        if (e instanceof UnrecognizedPropertyException u) {
            // records are buffered, so the parser is past the key: find the key's own line
            String[] lines = text.split("\r?\n", -1);
            Pattern key = Pattern.compile("^(\\s*(?:-\\s+)?)" + Pattern.quote(u.getPropertyName()) + "\\s*:");
            for (int i = 0; i < lines.length; i++) {
                Matcher m = key.matcher(lines[i]);
                if (m.find()) {
                    where = ":" + (i + 1) + ":" + (m.group(1).length() + 1);
                    break;
                }
            }
        }
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown key '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().reduce((a, b) -> a + ", " + b).orElse("") + ")";
        } else {
            problem = e.getOriginalMessage().lines().findFirst().orElse("");
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            return file + where + ": " + path + ": " + problem;
        }
        return file + where + ": not valid YAML: " + problem;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
