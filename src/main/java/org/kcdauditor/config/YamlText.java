package org.kcdauditor.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.kcdauditor.io.ByteOrderMark;
import org.kcdauditor.io.Causes;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the YAML files (the configuration, the baseline, the hardening catalogue) have in common before and
 * after Jackson binds them: they are read as UTF-8 text, or UTF-16 with a byte order mark (a binary file gets a
 * plain line saying so), a key written twice in one mapping is refused with both lines (YAML parsers keep the last one
 * silently), and binding problems are described without Java type names.
 */
public final class YamlText {
    private YamlText() {
    }

    /**
     * The file as text: UTF-8, or the encoding its byte order mark names ({@link ByteOrderMark}: UTF-16 as Windows
     * PowerShell 5.1's Out-File and Notepad's "Unicode" write it, as the imports read it), the mark dropped; UTF-16
     * without a mark and binary files refused in words, a file in another encoding at its line.
     */
    public static String read(Path file) throws IOException {
        return decode(file, Files.readAllBytes(file));
    }

    public static String decode(Path file, byte[] b) {
        int n = b.length;
        ByteOrderMark mark = ByteOrderMark.of(b);
        boolean zeros16 = n >= 4 && (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0
                || b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0);
        if (mark == null && zeros16) {
            throw new ConfigException(file + ": the file is saved as UTF-16 without a byte order mark: save it as UTF-8"
                    + " (Notepad: Save as, Encoding UTF-8)");
        }
        Charset cs = mark == null ? StandardCharsets.UTF_8 : mark.charset();
        int start = mark == null ? 0 : mark.length();
        boolean utf8 = cs.equals(StandardCharsets.UTF_8);
        for (int i = start; utf8 && i < n; i++) {
            if (b[i] == 0) {
                throw new ConfigException(file + ": not a text file (a zero byte at byte " + i + "): give the YAML"
                        + " file itself, saved as UTF-8");
            }
        }
        CharsetDecoder decoder = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, n - start);
        CharBuffer out = CharBuffer.allocate(n);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            // the line, counted in what was read before it: a byte offset read like a byte's value
            out.flip();
            throw new ConfigException(file + ": not a " + cs.name() + " text file (line " + lineAt(out, out.length())
                    + " is not " + cs.name() + "): " + (utf8 ? "a binary file, or text in another encoding; save it as"
                    + " UTF-8" : "save it as UTF-8 (Notepad: Save as, Encoding UTF-8)"));
        }
        try {
            decoder.flush(out);
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": not a " + cs.name() + " text file; save it as UTF-8");
        }
        String text = out.flip().toString();
        // UTF-8's zero bytes were refused above, before decoding: only another encoding's text is looked at again
        int zero = utf8 ? -1 : text.indexOf('\0');
        if (zero >= 0) {
            throw new ConfigException(file + ": not a text file (a zero character on line " + lineAt(text, zero)
                    + "): give the YAML file itself, saved as UTF-8");
        }
        return text;
    }

    /** The 1-based line of the character at {@code end} of {@code text}: the line feeds before it, plus one. */
    private static long lineAt(CharSequence text, int end) {
        return 1 + text.chars().limit(end).filter(c -> c == '\n').count();
    }

    /**
     * After a binding failed: when it failed on a key written twice (the mappers run with
     * {@code STRICT_DUPLICATE_DETECTION}, which names only the second), refuses it naming both lines. So the
     * files are parsed once when they are right, as large baselines need.
     */
    public static void refuseIfDuplicateKey(JsonFactory yaml, String text, String file, JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m != null && m.startsWith("Duplicate field '")) {
            refuseDuplicateKeys(yaml, text, file);
            String line = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new ConfigException(file + line + ": " + m.lines().findFirst().orElse(m).replace("Duplicate field",
                    "a key written twice:") + "; only one can count: remove or merge the other");
        }
    }

    /**
     * The syntax error of {@code text}, when it has one, instead of the binding problem {@code e}: Jackson binds while it
     * parses, so a flow opened and never closed ({@code directory: [}) failed as the wrong type of the value it opened
     * ("expected a mapping of keys") before the parser got to the error. The text is parsed again only then.
     */
    public static JsonProcessingException syntaxFirst(JsonFactory yaml, String text, JsonProcessingException e) {
        if (syntax(e)) {
            return e;
        }
        try (JsonParser p = yaml.createParser(text)) {
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // refused before, with both lines
            while (p.nextToken() != null) {
                // only whether the text parses
            }
        } catch (JsonProcessingException syntaxError) {
            return syntaxError;
        } catch (IOException cannotHappen) {
            // text in memory
        }
        return e;
    }

    /**
     * Refuses a key written twice in one mapping, naming both lines: {@code file:12: hosts: 'HV01' appears twice
     * (first at line 4)}. Syntax errors are left to the binding, which reports them.
     */
    static void refuseDuplicateKeys(JsonFactory yaml, String text, String file) {
        Deque<Map<String, Integer>> maps = new ArrayDeque<>();
        try (JsonParser p = yaml.createParser(text)) {
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // this scan finds the first one as well
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT) {
                    maps.push(new HashMap<>());
                } else if (t == JsonToken.END_OBJECT) {
                    maps.pop();
                } else if (t == JsonToken.FIELD_NAME && !maps.isEmpty()) {
                    int line = p.currentTokenLocation().getLineNr();
                    Integer first = maps.peek().putIfAbsent(p.currentName(), line);
                    if (first != null) {
                        String path = path(p);
                        throw new ConfigException(file + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + "'"
                                + p.currentName() + "' appears twice (first at line " + first + "); only one can"
                                + " count: remove or merge the other");
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // not valid YAML: the binding that follows says where and why
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * The line of the key or item at {@code keyPath} ({@code baseline.maxWaiverDays}, {@code clusters[1].nodes[0]}),
     * or 0 where the text has none (a default, a key given under another spelling, text that is not YAML).
     */
    static int lineOf(JsonFactory yaml, String text, String keyPath) {
        try (JsonParser p = yaml.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                // a key is named by its own context; an item (a scalar, or where a mapping or list starts) by the list's
                var at = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY ? p.getParsingContext().getParent()
                        : p.getParsingContext();
                if ((t == JsonToken.FIELD_NAME || at.inArray()) && keyPath.equals(path(at))) {
                    return p.currentTokenLocation().getLineNr();
                }
            }
        } catch (IOException e) {
            // not readable as YAML: no line to give
        }
        return 0;
    }

    /** The key path of the mapping that holds the current key, as {@code clusters[0].nodes}. */
    public static String path(JsonParser p) {
        return path(p.getParsingContext().getParent());
    }

    /** The key path of {@code context}, its current key or item included. */
    private static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }

    /**
     * A binding problem in words, without Java type names: {@code wrong type (expected a list)},
     * {@code invalid value 'maybe' (expected true or false)}.
     */
    public static String problem(JsonProcessingException e) {
        return problem(e, null);
    }

    /**
     * {@link #problem(JsonProcessingException)}, a value of the wrong type shown as given ({@code value}, the node read
     * at the problem's key; null when not known): {@code wrong type (expected a whole number, got 'many')}.
     */
    public static String problem(JsonProcessingException e, com.fasterxml.jackson.databind.JsonNode value) {
        if (e instanceof InvalidNullException
                || e instanceof InvalidFormatException f && "".equals(f.getValue()) && f.getTargetType() != String.class) {
            // a '-' alone reads as null, or as '' where a mapping is expected
            List<JsonMappingException.Reference> path = ((JsonMappingException) e).getPath();
            boolean item = !path.isEmpty() && path.get(path.size() - 1).getIndex() >= 0;
            return item ? "an empty item (a '-' with nothing after it, or null): give a value or remove it"
                    : "an empty value: give one or remove the key";
        }
        if (e instanceof InvalidFormatException f) {
            return secret(f) ? "invalid value (expected " + expected(f.getTargetType()) + NOT_SHOWN + ")"
                    : "invalid value '" + shown(String.valueOf(f.getValue())) + "' (expected "
                    + expected(f.getTargetType()) + ")";
        }
        if (e instanceof MismatchedInputException mi) {
            if (mi.getPath().isEmpty()) {
                return "the file must hold keys with values (key: value) at its top level";
            }
            String got = value == null || value.isMissingNode() ? "" : secret(mi) ? NOT_SHOWN
                    : value.isObject() ? ", got a mapping" : value.isArray() ? ", got a list"
                    : ", got '" + shown(value.asText()) + "'";
            return "wrong type (expected " + expected(mi.getTargetType()) + got + ")";
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (syntax(e)) {
            MarkedYAMLException marked = marked(e);
            String said = marked == null ? sentences(original) : sentences(marked);
            if (said.contains("unknown escape character")) {
                // bindDn: "CONTOSO\Administrator"
                return "not valid YAML: " + said + " — in double quotes a backslash starts an escape: write"
                        + " CONTOSO\\name without quotes or in single quotes";
            }
            return "not valid YAML: " + said + " (check the quotes, brackets and indentation)";
        }
        String m = original.lines().findFirst().orElse("");
        // a type name Jackson quotes in backticks means nothing to an admin
        return m.replaceAll("`[^`]*`", "a value").replaceAll("\\s*\\(through reference chain.*", "");
    }

    /** Said instead of a value a key that may hold a secret was given ({@link #secret}). */
    private static final String NOT_SHOWN = "; the value is not shown: the key may hold a secret";

    /** The characters of a value a message shows; the rest are cut, with '…'. */
    static final int SHOWN_CHARS = 40;

    /**
     * Whether the key of a binding problem may hold a secret, whose value no message repeats: a password, a
     * passwordEnv or passwordFile (where a password typed into the wrong key lands), a secret, a token.
     */
    private static boolean secret(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            String name = path.get(i).getFieldName();
            if (name != null) {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                return n.contains("password") || n.contains("secret") || n.contains("token");
            }
        }
        return false;
    }

    /**
     * A value as a one-line message shows it: a control character, a line or paragraph separator and a
     * direction override as {@code \u0009}, cut after {@value #SHOWN_CHARS} characters with '…'.
     */
    static String shown(String value) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(value.length(), SHOWN_CHARS);
        n = n < value.length() && Character.isHighSurrogate(value.charAt(n - 1)) ? n - 1 : n;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            int type = Character.getType(c);
            sb.append(Character.isISOControl(c) || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT
                    ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return n < value.length() ? sb + "…" : sb.toString();
    }

    /**
     * SnakeYAML's message on one line: its sentences (context, problem) start in column 1, while the position, the
     * excerpt and the caret under it are indented.
     */
    private static String sentences(String message) {
        return message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /**
     * What SnakeYAML was reading and where that began (an unclosed quote), then what it found; where it found it is
     * {@link #location}.
     */
    private static String sentences(MarkedYAMLException m) {
        Mark from = m.getContextMark();
        return (m.getContext() == null ? "" : m.getContext() + (from == null ? "" : " (from line " + (from.getLine() + 1)
                + ", column " + (from.getColumn() + 1) + ")") + "; ") + m.getProblem();
    }

    /** Whether {@code e} is (or wraps) a YAML syntax error rather than a value of the wrong kind. */
    private static boolean syntax(Throwable e) {
        return Causes.first(e, t -> t instanceof com.fasterxml.jackson.core.JsonParseException
                || t instanceof MarkedYAMLException) != null;
    }

    /** SnakeYAML's syntax error behind {@code e} (Jackson wraps it, in a binding problem as well), or null. */
    private static MarkedYAMLException marked(Throwable e) {
        return (MarkedYAMLException) Causes.first(e, t -> t instanceof MarkedYAMLException m
                && m.getProblemMark() != null);
    }

    /**
     * Where {@code e} is in the file (1-based line and column), or null. A syntax error is at SnakeYAML's problem
     * mark, the character it could not take: Jackson's location is where its parser had got to, the end of the
     * token before (for a tab that starts a line, the end of the line above).
     */
    public static JsonLocation location(JsonProcessingException e) {
        MarkedYAMLException marked = marked(e);
        if (marked == null) {
            return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? null : e.getLocation();
        }
        // a key without its colon: the scanner misses the ':' only on the next line; the key's line is the mistake
        Mark m = marked.getContextMark() != null && String.valueOf(marked.getProblem()).contains("expected ':'")
                ? marked.getContextMark() : marked.getProblemMark();
        return new JsonLocation(ContentReference.unknown(), -1, m.getIndex(), m.getLine() + 1, m.getColumn() + 1);
    }

    /** {@link #location} as {@code :line:column}, or empty when it is not known. */
    public static String lineAndColumn(JsonProcessingException e) {
        JsonLocation at = location(e);
        return at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
    }

    /**
     * The key path of a binding problem followed by ': ', as {@code clusters[1].nodes: }; empty for a problem at the
     * top level and for a syntax error, where the path is only how far the parser had got (after a list of two,
     * {@code [2]}) and not where the error is.
     */
    public static String keyPath(JsonProcessingException e) {
        return e instanceof JsonMappingException m && !m.getPath().isEmpty() && !syntax(e) ? path(m.getPath()) + ": "
                : "";
    }

    /** What a value of {@code type} looks like, in words. */
    public static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (type == Instant.class) {
            return "a time such as 2026-11-01T06:00:00Z";
        }
        if (type == LocalDate.class) {
            return "a date such as 2026-12-31";
        }
        if (type.isEnum() && type == ProtocolTransition.class) {
            return "any, kerberos-only or either";
        }
        return "a mapping of keys";
    }

    /**
     * {@code mapper} refusing an empty list item ({@code - } alone, {@code null}) as a binding problem at its position
     * instead of binding it as null, which every reader would have to expect. A key without a value stays null (the
     * baseline's {@code HV04:} alone is a host with no delegation).
     */
    public static ObjectMapper refusingEmptyItems(ObjectMapper mapper) {
        mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        return mapper;
    }

    /**
     * {@code mapper} refusing a number where a date or a time belongs: Jackson reads {@code expires: 20261231} as a day
     * count since 1970 (the year 57443, a waiver that never expires) and {@code capturedAt: 1764568800} as seconds.
     */
    public static ObjectMapper refusingNumbersAsTimes(ObjectMapper mapper) {
        com.fasterxml.jackson.databind.module.SimpleModule m = new com.fasterxml.jackson.databind.module.SimpleModule();
        m.addDeserializer(LocalDate.class, textOnly(LocalDate.class,
                com.fasterxml.jackson.datatype.jsr310.deser.LocalDateDeserializer.INSTANCE));
        m.addDeserializer(Instant.class, textOnly(Instant.class,
                com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer.INSTANT));
        return mapper.registerModule(m);
    }

    private static <T> com.fasterxml.jackson.databind.JsonDeserializer<T> textOnly(Class<T> type,
            com.fasterxml.jackson.databind.JsonDeserializer<? extends T> read) {
        return new com.fasterxml.jackson.databind.JsonDeserializer<>() {
            @Override
            public T deserialize(com.fasterxml.jackson.core.JsonParser p,
                                 com.fasterxml.jackson.databind.DeserializationContext ctxt) throws java.io.IOException {
                if (p.currentToken().isNumeric()) {
                    throw ctxt.weirdNumberException(p.getNumberValue(), type, "a number is no date");
                }
                return read.deserialize(p, ctxt);
            }
        };
    }

    /** The key path of a binding problem, as {@code clusters[1].nodes}. */
    public static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
