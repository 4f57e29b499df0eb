package org.kcdauditor.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.YamlText;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.io.AtomicFiles;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.rules.RuleCatalogue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileAlreadyExistsException;
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
    /** {@code rbcdAllowed}: absent in a baseline captured before captures recorded it (its grants are not compared). */
    record RawHost(List<String> userAccountControl, List<String> delegateTo, List<String> rbcdAllowed) {
    }

    record RawWaiver(String rule, String host, String peer, String spn, String justification, LocalDate expires,
                     String approvedBy, LocalDate approvedOn, String ticket) {
    }

    record RawBaseline(Instant capturedAt, String capturedFrom, String approvedBy, String ticket, String contentSha256,
                       LinkedHashMap<String, RawHost> hosts, List<RawWaiver> waivers) {
    }

    /**
     * A baseline as a run read it: {@code sha256}, the SHA-256 of the file's bytes (hex); {@code changedSinceCapture},
     * whether its content differs from what the capture wrote (its {@code contentSha256} no longer matches: the file
     * was edited by hand since), null for a file without {@code contentSha256} (written before captures recorded it).
     */
    public record Read(Baseline baseline, String sha256, Boolean changedSinceCapture) {
    }

    /**
     * The largest baseline file read or written, in characters. SnakeYAML's default (3 MiB) was reached at
     * about 1,000 hosts, so a capture wrote files every later run refused. A baseline of 100,000 hosts in the
     * benchmark's cluster shapes is about 315 million characters (docs/reliability.md); this leaves room above
     * it. Capture refuses to write more, so it never writes a file this loader would refuse.
     */
    public static final int MAX_CHARS = 512 * 1024 * 1024;
    private static final ObjectMapper YAML = YamlText.refusingNumbersAsTimes(YamlText.refusingEmptyItems(
            new ObjectMapper(YAMLFactory.builder().loaderOptions(loaderOptions()).build())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)));
    private static final RuleCatalogue RULES = RuleCatalogue.standard();
    /**
     * The rules a waiver cannot name: they question the waivers themselves, so a waiver of them would hide an expired,
     * overlong or unused waiver from the very report that is to question it.
     */
    static final java.util.Set<String> NOT_WAIVABLE = java.util.Set.of("WAIVER_EXPIRED", "WAIVER_TOO_LONG",
            "WAIVER_UNUSED");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");
    private static final DateTimeFormatter BAK = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private BaselineFile() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_CHARS);
        return o;
    }

    /** Reads a baseline; null when the file does not exist. Any other problem is a {@link ConfigException}. */
    public static Baseline readIfExists(Path file) {
        return Files.exists(file) ? read(file) : null;
    }

    public static Baseline read(Path file) {
        return readChecked(file).baseline();
    }

    /** {@link #read}, with the file's hash and whether it changed since its capture. */
    public static Read readChecked(Path file) {
        String name = file.toString();
        String text;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
            text = YamlText.decode(file, bytes);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": baseline not found (write one with: kcd-audit baseline capture)");
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read the baseline: " + org.kcdauditor.io.IoErrors.describe(e));
        }
        if (text.isBlank()) {
            throw new ConfigException(name + ": the baseline is empty (write one with: kcd-audit baseline capture)");
        }
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(name + ": the baseline is " + megabytes(text.length()) + ", more than a baseline"
                    + " may hold (" + megabytes(MAX_CHARS) + "): split the clusters over several configurations,"
                    + " each with its own baseline");
        }
        RawBaseline raw;
        try {
            raw = YAML.readValue(text, RawBaseline.class);
        } catch (JsonProcessingException e) {
            YamlText.refuseIfDuplicateKey(YAML.getFactory(), text, name, e);
            throw new ConfigException(describe(name, YamlText.syntaxFirst(YAML.getFactory(), text, e), text));
        }
        Baseline b = validate(name, raw, text);
        return new Read(b, hex(sha256().digest(bytes)), blank(raw.contentSha256()) ? null
                : !raw.contentSha256().strip().equalsIgnoreCase(contentSha256(b)));
    }

    /** Validation errors, each with the key path it names, to be placed at its line in the file. */
    private static final class Errors {
        final List<String> messages = new ArrayList<>();
        final List<Object[]> paths = new ArrayList<>();

        /** @param path keys (String) and list indexes (Integer) from the top of the file */
        void add(String message, Object... path) {
            messages.add(message);
            paths.add(path);
        }

        boolean isEmpty() {
            return messages.isEmpty();
        }
    }

    private static Baseline validate(String name, RawBaseline raw, String text) {
        Errors errors = new Errors();
        Map<String, HostState> hosts = new LinkedHashMap<>();
        Map<String, String> byCase = new java.util.HashMap<>();
        Node[] tree = new Node[1];
        if (raw.hosts() != null) {
            raw.hosts().forEach((host, h) -> {
                String at = "hosts." + host;
                String first = byCase.putIfAbsent(Spn.fold(host), host); // as Baseline.host
                if (first != null) {
                    // host names are matched in any case: the first would be compared and this one silently ignored
                    if (tree[0] == null) {
                        tree[0] = compose(text);
                    }
                    Mark m = mark(tree[0], new Object[]{"hosts", new Key(first)});
                    errors.add("hosts: '" + host + "' is the host '" + first + "' again" + (m == null ? ""
                            : " (first at line " + (m.getLine() + 1) + ")") + ": host names are matched in any case,"
                            + " so only one can count: remove or merge the other", "hosts", new Key(host));
                    return;
                }
                if (h == null) {
                    hosts.put(host, new HostState(host, List.of(), List.of()));
                    return;
                }
                List<String> flags = h.userAccountControl() == null ? List.of() : h.userAccountControl();
                for (int i = 0; i < flags.size(); i++) {
                    try {
                        Uac.fromNames(List.of(String.valueOf(flags.get(i))));
                    } catch (IllegalArgumentException e) {
                        errors.add(at + ".userAccountControl[" + i + "]: " + e.getMessage(), "hosts", host,
                                "userAccountControl", i);
                    }
                }
                List<String> dt = h.delegateTo() == null ? List.of() : h.delegateTo();
                for (int i = 0; i < dt.size(); i++) {
                    if (dt.get(i).isBlank()) {
                        errors.add(at + ".delegateTo[" + i + "]: empty entry", "hosts", host, "delegateTo", i);
                    }
                }
                List<String> rbcd = h.rbcdAllowed();
                for (int i = 0; rbcd != null && i < rbcd.size(); i++) {
                    if (!Sids.isSid(rbcd.get(i))) {
                        errors.add(at + ".rbcdAllowed[" + i + "]: '" + rbcd.get(i) + "' is no SID (write the SIDs the"
                                + " host's msDS-AllowedToActOnBehalfOfOtherIdentity allows, such as S-1-5-21-…-1104)",
                                "hosts", host, "rbcdAllowed", i);
                    }
                }
                hosts.put(host, new HostState(host, h.userAccountControl() == null ? null : flags, dt, null, null, null,
                        rbcd));
            });
        }
        List<Waiver> waivers = new ArrayList<>();
        List<RawWaiver> rw = raw.waivers() == null ? List.of() : raw.waivers();
        for (int i = 0; i < rw.size(); i++) {
            RawWaiver w = rw.get(i);
            String at = "waivers[" + i + "]";
            String rule = w.rule();
            if (blank(rule)) {
                errors.add(at + ".rule: missing (the rule id the waiver suppresses, e.g. MISSING_DELEGATION)",
                        "waivers", i, "rule");
            } else if (RULES.canonicalId(rule).isPresent()) {
                rule = RULES.canonicalId(rule).get();
                if (NOT_WAIVABLE.contains(rule)) {
                    errors.add(at + ".rule: " + rule + " cannot be waived: it questions the waivers themselves (renew,"
                            + " shorten or remove the waiver it names, or remove this one)", "waivers", i, "rule");
                }
            } else {
                errors.add(at + ".rule: unknown rule '" + rule + "'" + RULES.closestId(rule)
                        .map(id -> " (did you mean " + id + "?)").orElse(" (kcd-audit rules lists the rule ids)"),
                        "waivers", i, "rule");
            }
            if (blank(w.host())) {
                errors.add(at + ".host: missing", "waivers", i, "host");
            }
            if (blank(w.justification())) {
                errors.add(at + ".justification: missing (why the exception is accepted, with a change number)",
                        "waivers", i, "justification");
            }
            if (w.expires() == null) {
                errors.add(at + ".expires: missing (a date, e.g. 2026-12-31: waivers do not last forever)",
                        "waivers", i, "expires");
            }
            waivers.add(new Waiver(rule, w.host(), blank(w.peer()) ? null : w.peer(),
                    blank(w.spn()) ? null : w.spn(), w.justification(), w.expires(),
                    blank(w.approvedBy()) ? null : w.approvedBy(), w.approvedOn(), blank(w.ticket()) ? null : w.ticket()));
        }
        if (!errors.isEmpty()) {
            Node root = compose(text);
            List<String> more = new ArrayList<>();
            for (int i = 1; i < errors.messages.size(); i++) {
                Mark m = mark(root, errors.paths.get(i));
                more.add((m == null ? "" : "line " + (m.getLine() + 1) + ": ") + errors.messages.get(i));
            }
            Mark first = mark(root, errors.paths.get(0));
            throw new ConfigException(name + (first == null ? "" : ":" + (first.getLine() + 1) + ":"
                    + (first.getColumn() + 1)) + ": " + errors.messages.get(0) + (more.isEmpty() ? ""
                    : " (and " + more.size() + " more: " + String.join("; ", more) + ")"));
        }
        return new Baseline(raw.capturedAt(), raw.capturedFrom(), raw.approvedBy(), hosts, waivers,
                blank(raw.ticket()) ? null : raw.ticket());
    }

    /** A step of a key path that leads to the key {@code name} itself rather than to its value. */
    private record Key(String name) {
    }

    /** The file's node tree (SnakeYAML keeps each node's position), or null when it cannot be built. */
    private static Node compose(String text) {
        try {
            return new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (RuntimeException e) {
            return null; // the position is a help, the message stands without it
        }
    }

    /**
     * Where {@code path} (keys and list indexes) leads in the file: the value of its last key, or, for a key that
     * is not there (a missing {@code expires}), the mapping that lacks it; null when the text cannot be followed.
     */
    private static Mark mark(Node root, Object[] path) {
        Node node = root;
        if (node == null) {
            return null;
        }
        for (Object step : path) {
            Node next = null;
            if (step instanceof Integer index && node instanceof SequenceNode seq && index < seq.getValue().size()) {
                next = seq.getValue().get(index);
            } else if (step instanceof Key key && node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key.name())) {
                        next = t.getKeyNode();
                        break;
                    }
                }
            } else if (step instanceof String key && node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                        next = t.getValueNode();
                        break;
                    }
                }
            }
            if (next == null) {
                break;
            }
            node = next;
        }
        return node == root ? null : node.getStartMark();
    }

    /**
     * The YAML text of a baseline, in the documented layout. Its header's {@code contentSha256} is the SHA-256 of every
     * other line but the comments ({@link #contentSha256}): a run recomputes it from what it read, so an edit made by
     * hand since the capture (a waiver added under the capture's approval) is told apart from what was captured.
     */
    public static String format(Baseline b) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Documented Kerberos delegation baseline of the Hyper-V cluster nodes (kcd-audit baseline capture).\n");
        sb.append("# Review changes to this file like code: every deviation from it is a finding.\n");
        header(b, sb::append);
        sb.append("contentSha256: ").append(contentSha256(b)).append("   # of this file as captured: edits since show\n");
        entries(b, sb::append);
        return sb.toString();
    }

    /**
     * The SHA-256 (hex) of the baseline's lines as {@link #format} writes them, without its comments and without the
     * {@code contentSha256} line itself: the same for the baseline a capture wrote and for the one a run reads back
     * from that file, whatever the file's layout; another for any change of a header field, host entry or waiver.
     */
    public static String contentSha256(Baseline b) {
        java.security.MessageDigest md = sha256();
        java.util.function.Consumer<CharSequence> out = s -> md.update(s.toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        header(b, out);
        entries(b, out);
        return hex(md.digest());
    }

    private static void header(Baseline b, java.util.function.Consumer<CharSequence> out) {
        if (b.capturedAt() != null) {
            out.accept("capturedAt: " + b.capturedAt().truncatedTo(ChronoUnit.SECONDS) + "\n");
        }
        if (b.capturedFrom() != null) {
            out.accept("capturedFrom: " + scalar(b.capturedFrom()) + "   # run id\n");
        }
        if (b.approvedBy() != null) {
            out.accept("approvedBy: " + scalar(b.approvedBy()) + "\n");
        }
        if (b.ticket() != null) {
            out.accept("ticket: " + scalar(b.ticket()) + "\n");
        }
    }

    private static void entries(Baseline b, java.util.function.Consumer<CharSequence> out) {
        out.accept(b.hosts().isEmpty() ? "hosts: {}\n" : "hosts:\n");
        b.hosts().forEach((name, h) -> {
            StringBuilder sb = new StringBuilder();
            sb.append("  ").append(scalar(name)).append(":\n");
            if (h.userAccountControl() != null) {
                sb.append("    userAccountControl: ").append(list(h.userAccountControl())).append('\n');
            }
            sb.append("    delegateTo: ").append(list(h.delegateTo())).append('\n');
            if (h.rbcdSids() != null) {
                sb.append("    rbcdAllowed: ").append(list(h.rbcdSids())).append('\n');
            }
            out.accept(sb);
        });
        out.accept(b.waivers().isEmpty() ? "waivers: []\n" : "waivers:\n");
        for (Waiver w : b.waivers()) {
            StringBuilder sb = new StringBuilder();
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
            if (w.approvedBy() != null) {
                sb.append("    approvedBy: ").append(scalar(w.approvedBy())).append('\n');
            }
            if (w.approvedOn() != null) {
                sb.append("    approvedOn: ").append(w.approvedOn()).append('\n');
            }
            if (w.ticket() != null) {
                sb.append("    ticket: ").append(scalar(w.ticket())).append('\n');
            }
            out.accept(sb);
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java runtime has SHA-256
        }
    }

    private static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    /**
     * Writes a baseline atomically. An existing file is refused unless {@code force}; then it is kept
     * as {@code <name>.<UTC timestamp>.bak} first.
     *
     * @return the backup written, or null
     */
    public static Path write(Path file, Baseline b, boolean force, Instant now) throws IOException {
        String text = format(b);
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(file + ": not written: a baseline of these " + b.hosts().size() + " hosts would be "
                    + megabytes(text.length()) + ", more than a baseline may hold (" + megabytes(MAX_CHARS) + "): split"
                    + " the clusters over several configurations, each with its own baseline");
        }
        Path backup = null;
        if (Files.exists(file)) {
            if (!force) {
                throw new ConfigException(file + ": a baseline exists already; give --force to replace it"
                        + " (the old one is kept as " + file.getFileName() + ".<timestamp>.bak)");
            }
            backup = backup(file, now);
        }
        AtomicFiles.writeString(file, text);
        return backup;
    }

    /**
     * Copies {@code file} to {@code <name>.<UTC timestamp>.bak}, or {@code <name>.<timestamp>-2.bak} … when a capture
     * in the same second kept one already: an earlier backup is never replaced, it may be the only copy of a baseline.
     */
    private static Path backup(Path file, Instant now) throws IOException {
        String stem = file.getFileName() + "." + BAK.format(now);
        for (int n = 1; ; n++) {
            Path backup = file.resolveSibling(stem + (n == 1 ? "" : "-" + n) + ".bak");
            try {
                return Files.copy(file, backup);
            } catch (FileAlreadyExistsException e) {
                // the next suffix
            }
        }
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

    /**
     * A YAML double-quoted scalar (JSON string escapes are a subset of YAML's) that reads back as {@code s}, whatever
     * it holds: besides the C0 controls and DEL, every character YAML does not allow in a file (C1 controls, U+FFFE,
     * U+FFFF: the loader refused the whole file), takes as a line break (U+0085, U+2028, U+2029: folded into a space
     * inside quotes), or that UTF-8 cannot carry (a lone surrogate: written as '?') is escaped, and U+FEFF too.
     */
    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029' || c == '\uFEFF'
                            || c >= '\uFFFE' || Character.isSurrogate(c)) {
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
        String where = YamlText.lineAndColumn(e);
        if (e instanceof UnrecognizedPropertyException u) {
            // records are buffered, so the parser is past the key (at the end of its mapping): the key's own line is
            // the last one naming it at or before where the parser stopped (a top-level key of the same name above
            // a waiver's is not it)
            String[] lines = text.split("\r?\n", -1);
            Pattern key = Pattern.compile("^(\\s*(?:-\\s+)?)" + Pattern.quote(u.getPropertyName()) + "\\s*:");
            int stop = e.getLocation() != null && e.getLocation().getLineNr() > 0
                    ? Math.min(lines.length, e.getLocation().getLineNr()) : lines.length;
            for (int i = stop - 1; i >= 0; i--) {
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
            problem = YamlText.problem(e);
        }
        return file + where + ": " + YamlText.keyPath(e) + problem;
    }

    private static String megabytes(long chars) {
        return String.format(java.util.Locale.ROOT, "%.0f MB", chars / 1e6);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
