package org.kcdauditor.remedy;

/**
 * Which directory values may be typed into a command at all. A value that fails here is never put
 * into a copy-paste command: the finding says to fix it by hand (ADSI Edit) instead.
 */
public final class Values {
    /**
     * {@code SHOWN[c]}: {@link #visible} shows {@code c} as it is (not a control, line separator, bidi or
     * {@linkplain #invisible invisible} character).
     */
    private static final boolean[] SHOWN = new boolean[0x10000];
    /**
     * {@code SHOWN_ASCII[c]}: {@link #visibleSpn} shows {@code c} as it is ({@link #SHOWN} and ASCII), so that a plain
     * SPN is checked in one pass over its characters.
     */
    private static final boolean[] SHOWN_ASCII = new boolean[0x10000];
    /** The characters {@link #shownUpTo} scans, grown to the longest value met on the thread. */
    private static final ThreadLocal<char[]> BUFFER = ThreadLocal.withInitial(() -> new char[256]);

    static {
        for (int c = 0; c < SHOWN.length; c++) {
            SHOWN[c] = !(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || bidi((char) c)
                    || invisible((char) c));
        }
        // the lead halves of the format characters and noncharacters beyond U+FFFF (U+1BCA0, U+1D173, U+1FFFE, …):
        // such a pair is looked at whole
        for (int cp = 0x10000; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.getType(cp) == Character.FORMAT || noncharacter(cp)) {
                SHOWN[Character.highSurrogate(cp)] = false;
            }
        }
        System.arraycopy(SHOWN, 0, SHOWN_ASCII, 0, 0x80);
    }

    private Values() {
    }

    /**
     * True when {@code name} is a host name that may appear in a command: NetBIOS/DNS labels of 1 to 63 letters,
     * digits, hyphens and underscores (Windows has long allowed underscores in computer names), neither starting nor
     * ending with a hyphen, dot-separated, at most 253 characters.
     */
    public static boolean validHostName(String name) {
        // one pass instead of a regular expression: the evaluation asks this of every node and file server
        if (name == null || name.isEmpty() || name.length() > 253) {
            return false;
        }
        int label = 0; // characters of the current label so far
        char previous = '.';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0 || previous == '-') {
                    return false; // an empty label, or one ending in a hyphen
                }
                label = 0;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
                    || c == '-' && label > 0) {
                if (++label > 63) {
                    return false;
                }
            } else {
                return false; // another character, or a label starting with a hyphen
            }
            previous = c;
        }
        return previous != '.' && previous != '-';
    }

    /**
     * True when {@code value} is an SPN (or account name) that can be typed into a command: no quote of any
     * kind (ASCII, typographic, backtick), no {@code $(}, no control character, no line or paragraph
     * separator, no bidirectional override or mark (U+202E turns a value around on screen), no character that shows as
     * nothing ({@link #invisible}: U+200B reads as the value without it), and, for an
     * SPN, the {@code service/host} shape. AD itself accepts some of these; a command built from them
     * could run something else than it shows.
     */
    public static boolean typeable(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\'' || c == '`' || c >= '\u2018' && c <= '\u201F' || Character.isISOControl(c)
                    || c == '\u2028' || c == '\u2029' || bidi(c) || invisible(c) || invisiblePair(value, i)
                    || c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '(') {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code value} stays on one line and shows what it holds: no control character, line separator
     * or bidirectional character. Quotes are allowed (a DN may hold one); callers quote it for the shell.
     */
    public static boolean oneLine(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (hidden(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * An SPN with the {@code service/host} shape that {@link #typeable} accepts, all in ASCII ({@link #ascii}): a letter
     * from another script can look exactly like an ASCII one ({@code cifs/hv05.cоntoso.com} with a Cyrillic о), and such
     * an entry typed from a command removes or adds the entry it imitates. Host names are ASCII ({@link #validHostName}),
     * so every SPN the plan builds stays typeable.
     */
    public static boolean typeableSpn(String spn) {
        if (!typeableEntry(spn)) {
            return false;
        }
        int slash = spn.indexOf('/');
        return slash > 0 && slash < spn.length() - 1 && spn.charAt(slash + 1) != '/';
    }

    /**
     * A delegation entry a command may carry in single quotes as stored, whatever its shape (one that is no SPN,
     * MALFORMED_DELEGATION_ENTRY, is removed exactly as it is): {@link #typeable} and all in ASCII, as {@link
     * #typeableSpn} says why.
     */
    public static boolean typeableEntry(String value) {
        return typeable(value) && ascii(value);
    }

    /** True when every character of {@code value} is ASCII (none is a look-alike of another's letter). */
    public static boolean ascii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * An SPN for display where it stands beside the entry it may imitate (a runbook's checklist, ADUC's list, a
     * report's cell): as {@link #visible}, and each character outside ASCII as {@code \\uXXXX} too, so that {@code
     * cifs/hv05.c\\u043Entoso.com} reads apart from {@code cifs/hv05.contoso.com}. The rules write an entry or SPN
     * into a finding's message so, and {@link Remedies} into its remediation: every output shows it as the checklists do.
     */
    public static String visibleSpn(String spn) {
        if (spn != null && shownUpTo(SHOWN_ASCII, spn) == spn.length()) {
            // nearly every SPN (the workbook's Hosts sheet shows 1.5 million at 20,000 hosts): one pass, as stored
            return spn;
        }
        String shown = visible(spn);
        if (ascii(shown)) {
            return shown;
        }
        StringBuilder sb = new StringBuilder(shown.length() + 8);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            sb.append(c > 0x7F ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /**
     * The name or distinguished name of an object that is no cluster node, where it is named beside the nodes (the other
     * holder of a node's SPN, the object a step changes): as {@link #visibleSpn}, for the same reason: {@code НV05} with a
     * Cyrillic Н reads as the node HV05, and "remove HOST/hv05.contoso.com from НV05" as a step on the node itself.
     * Commands name such an object by its exact DN instead.
     */
    public static String visibleAccount(String name) {
        return visibleSpn(name);
    }

    /**
     * {@code text}, a sentence naming objects, with each of {@code names} that {@link #visibleAccount} shows by its code
     * so wherever it stands in it (a longer name before a name inside it): a rule or a drift record writes its own
     * sentence around the names, and a person reads it. {@code text} itself unchanged when nothing in it is outside ASCII
     * or hidden (nearly every sentence), or when no name is such a name.
     */
    public static String visibleAccounts(String text, java.util.Collection<String> names) {
        if (readsAsStored(text)) {
            return text;
        }
        String out = text;
        for (String name : names.stream().filter(n -> !readsAsStored(n))
                .distinct().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(name, visibleAccount(name));
        }
        return out;
    }

    /** Whether {@link #visibleAccount} shows {@code name} as stored (null too): nothing in it to show by its code. */
    public static boolean readsAsStored(String name) {
        return name == null || visibleAccount(name).equals(name);
    }

    /**
     * The characters for which {@link #visibleAccount} shows {@code name} by their code, each once as Unicode names it
     * ({@code U+041D CYRILLIC CAPITAL LETTER EN}, {@code U+200B ZERO WIDTH SPACE}), joined by ", "; empty when it shows
     * {@code name} as stored. A step that has a person pick such a name by hand (ADUC's Add dialog) says what it holds:
     * typed, {@code НV06} with a Cyrillic Н finds a Latin HV06.
     */
    public static String notAsStored(String name) {
        if (readsAsStored(name)) {
            return "";
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        name.codePoints().filter(cp -> cp > 0x7F || !SHOWN[cp]).forEach(cp -> out.add(String.format("U+%04X", cp)
                + (Character.getName(cp) == null ? "" : " " + Character.getName(cp))));
        return String.join(", ", out);
    }

    /** {@code spns} as {@link #visibleSpn} shows each, joined by {@code separator}. */
    public static String visibleSpns(java.util.Collection<String> spns, String separator) {
        // joined by String.join, which allocates the result once at its size: a host's delegation entries are up to
        // 10 KB at 20,000 hosts, and a StringBuilder grown by doubling (then copied by toString) allocated about four
        // times that, 40 % of the workbook's allocation. No separator before the first value shown as non-empty.
        String[] shown = new String[spns.size()];
        int n = 0;
        for (String spn : spns) {
            String v = visibleSpn(spn);
            if (n > 0 || !v.isEmpty()) {
                shown[n++] = v;
            }
        }
        return n == shown.length ? String.join(separator, shown)
                : String.join(separator, java.util.Arrays.asList(shown).subList(0, n));
    }

    /**
     * {@code value} for display in a sentence: control, line-separator, bidirectional and invisible characters shown as
     * {@code \\uXXXX} (a plane-14 character as its two halves, {@code \\uDB40\\uDC41}), so what is read is what is
     * stored.
     */
    public static String visible(String value) {
        if (value == null) {
            return "";
        }
        int first = shownUpTo(value);
        if (first == value.length()) {
            return value; // nearly every value: nothing to show otherwise, nothing allocated
        }
        StringBuilder sb = new StringBuilder(value.length() + 8).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair && !invisible(c) && !invisiblePair(value, i)) {
                sb.append(c).append(value.charAt(++i)); // a lead half shared with visible characters (U+1D160)
            } else if (hidden(c)) {
                sb.append(String.format("\\u%04X", (int) c));
                if (pair) {
                    sb.append(String.format("\\u%04X", (int) value.charAt(++i))); // the pair's other half, not alone
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whether {@link #visible} shows {@code value} as it is stored (null: nothing to show otherwise). */
    public static boolean shownAsStored(String value) {
        return value == null || shownUpTo(value) == value.length();
    }

    /**
     * {@code value}'s UTF-8 bytes in Base64: how a script is given a value that cannot be typed or shown as stored
     * (remediation.ps1's {@code D '…'}, a runbook's {@code [Convert]::FromBase64String('…')}).
     */
    public static String base64(String value) {
        return java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The index of the first character of {@code value} that {@link #visible} shows as {@code \\uXXXX}, or its length.
     * The characters are copied into a buffer of the thread's and looked up in {@link #SHOWN} ({@link #firstNotIn}):
     * every workbook cell goes through here (87 million characters of delegation entries at 20,000 hosts), and a
     * {@code charAt} loop under C1 keeps a call and a branch per character (five times slower).
     */
    private static int shownUpTo(String value) {
        return shownUpTo(SHOWN, value);
    }

    /** The index of the first character of {@code value} for which {@code table} is false, or its length. */
    private static int shownUpTo(boolean[] table, String value) {
        int n = value.length();
        char[] cs = BUFFER.get();
        if (cs.length < n) {
            cs = new char[Math.max(n, cs.length * 2)];
            BUFFER.set(cs);
        }
        value.getChars(0, n, cs, 0);
        return firstNotIn(table, cs, 0, n);
    }

    /**
     * The index of the first character of {@code cs[i, n)} for which {@code table} is false, or {@code n}. Eight
     * characters are looked up at a time with one branch: the launcher runs C1 only, which keeps a branch per
     * character otherwise (about a third slower on delegation entries).
     */
    public static int firstNotIn(boolean[] table, char[] cs, int i, int n) {
        for (int end = n - 7; i < end; i += 8) {
            if (!(table[cs[i]] & table[cs[i + 1]] & table[cs[i + 2]] & table[cs[i + 3]]
                    & table[cs[i + 4]] & table[cs[i + 5]] & table[cs[i + 6]] & table[cs[i + 7]])) {
                break;
            }
        }
        while (i < n && table[cs[i]]) {
            i++;
        }
        return i;
    }

    /**
     * {@code text} for display in a report that keeps its own line breaks (PDF cells): like {@link #visible},
     * except that a line feed stays a line break.
     */
    public static String visibleLines(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
            sb.append(visible(text.substring(from, nl))).append('\n');
            from = nl + 1;
        }
        return sb.append(visible(text.substring(from))).toString();
    }

    /** A character {@link #visible} shows as {@code \\uXXXX}: control, line separator, bidirectional. */
    private static boolean hidden(char c) {
        return !SHOWN[c];
    }

    /**
     * Characters that show as nothing, so that a value holding one reads exactly like another value: Unicode's format
     * characters (zero-width space, joiners, word joiner, soft hyphen, byte order mark, …), the noncharacters U+FDD0–
     * U+FDEF, U+FFFE and U+FFFF (AD stores them as given; viewers show nothing, and a copy and paste may drop them), the
     * other default-ignorable characters ({@link #ignorable}: variation selectors, Hangul fillers, …), and the high
     * surrogates U+DB40–U+DB43 of plane 14, whose tag characters (U+E0000–U+E007F) and variation selectors carry text
     * no one sees. Format characters and noncharacters beyond U+FFFF (U+1BCA0, U+1D173, U+1FFFE, …) are recognised
     * as pairs ({@link #visible}, {@link #typeable}).
     */
    public static boolean invisible(char c) {
        return Character.getType(c) == Character.FORMAT || noncharacter(c) || ignorable(c)
                || c >= '\uDB40' && c <= '\uDB43';
    }

    /**
     * The rest of Unicode's Default_Ignorable_Code_Point characters of the BMP that are not format characters: shown
     * as nothing by design, so "cifs/hv05.contoso.com" followed by one reads as the entry it imitates. U+034F
     * COMBINING GRAPHEME JOINER, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the Khmer inherent vowels
     * U+17B4 and U+17B5, the Mongolian free variation selectors U+180B–U+180D and U+180F, the variation selectors
     * U+FE00–U+FE0F and the reserved U+FFF0–U+FFF8; beyond the BMP, U+E0000–U+E0FFF (lead halves U+DB40–U+DB43:
     * tags and variation selectors 17–256).
     */
    private static boolean ignorable(char c) {
        return c == '\u034F' || c == '\u115F' || c == '\u1160' || c == '\u17B4' || c == '\u17B5'
                || c >= '\u180B' && c <= '\u180F' || c == '\u3164' || c >= '\uFE00' && c <= '\uFE0F' || c == '\uFFA0'
                || c >= '\uFFF0' && c <= '\uFFF8';
    }

    /** Unicode's 66 noncharacters: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+1FFFF, …). */
    private static boolean noncharacter(int cp) {
        return cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;
    }

    /**
     * Whether {@code value} holds at {@code i} a surrogate pair of a format character or a noncharacter beyond U+FFFF
     * (U+1BCA0, U+1FFFE).
     */
    private static boolean invisiblePair(String value, int i) {
        if (!(Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1)))) {
            return false;
        }
        int cp = Character.toCodePoint(value.charAt(i), value.charAt(i + 1));
        return Character.getType(cp) == Character.FORMAT || noncharacter(cp);
    }

    /** Bidirectional formatting characters (marks, embeddings, overrides, isolates). */
    public static boolean bidi(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || c >= '\u202A' && c <= '\u202E'
                || c >= '\u2066' && c <= '\u2069';
    }
}
