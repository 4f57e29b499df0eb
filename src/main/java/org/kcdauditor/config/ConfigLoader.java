package org.kcdauditor.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.kcdauditor.cli.ShellArg;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import org.kcdauditor.home.Installation;
import org.kcdauditor.report.Format;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.NoSuchFileException;
import org.kcdauditor.cli.ShellArg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code kcd-audit.yaml}, rejects unknown keys and wrong types, applies defaults and
 * validates. Every problem becomes a {@link ConfigException} whose message names the file, the key
 * path ({@code clusters[1].nodes}) and, where the parser knows it, the line.
 */
public final class ConfigLoader {


    /** The document as written; validated into an {@link AuditConfig}. */
    record RawConfig(DirectoryConfig directory, List<ClusterConfig> clusters, PolicyConfig policy,
                     ReportsConfig reports, StoreConfig store, BaselineConfig baseline, PatchesConfig patches,
                     String hardeningCatalogue, EventsConfig events, List<ScheduleConfig> schedule,
                     MailConfig mail, DaemonConfig daemon, HostSettingsConfig hostSettings,
                     Map<String, DirectoryConfig> directories) {
    }

    /**
     * A message that starts with a key path of the configuration, as {@code directories.contoso.passwordEnv: } or
     * {@code clusters[1]: }; not one that starts with a file (a path holds a separator, a line ':8') or an option.
     */
    private static final Pattern KEY_PATH = Pattern.compile("(?:" + Arrays.stream(RawConfig.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).collect(Collectors.joining("|"))
            + ")(?:\\.[\\w-]+|\\[\\d+])*: ");

    private static final ObjectMapper YAML = strictYaml();

    /**
     * Unknown and duplicate keys are errors, and so is a value of the wrong type: {@code allowInsecureBind: 1} or
     * {@code "true"} is no boolean, {@code pageSize: 1.5} no whole number (Jackson would coerce them silently).
     */
    private static ObjectMapper strictYaml() {
        ObjectMapper m = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (com.fasterxml.jackson.databind.type.LogicalType t : List.of(
                com.fasterxml.jackson.databind.type.LogicalType.Boolean,
                com.fasterxml.jackson.databind.type.LogicalType.Integer,
                com.fasterxml.jackson.databind.type.LogicalType.Float)) {
            m.coercionConfigFor(t)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.String,
                            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                            t == com.fasterxml.jackson.databind.type.LogicalType.Boolean
                                    ? com.fasterxml.jackson.databind.cfg.CoercionAction.Fail
                                    : com.fasterxml.jackson.databind.cfg.CoercionAction.TryConvert)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                            t == com.fasterxml.jackson.databind.type.LogicalType.Float
                                    ? com.fasterxml.jackson.databind.cfg.CoercionAction.TryConvert
                                    : com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        }
        return YamlText.refusingEmptyItems(m);
    }

    private ConfigLoader() {
    }

    /**
     * What to do about a missing or empty config: copy the example of the installation, named by its full path (a
     * relative {@code config/kcd-audit.example.yaml} means nothing from another working directory), and, for a
     * relative name, where it was looked for.
     */
    static String startFrom(Path file) {
        String looked = file.isAbsolute() ? "" : "looked for " + file.toAbsolutePath().normalize() + "; ";
        return "(" + looked + "copy " + example() + " and edit it)";
    }

    /** The installation's example config by its full path, or where it is in words. */
    private static String example() {
        try {
            Path p = Installation.at(Installation.locate(System.getenv())).exampleConfig();
            if (p != null) {
                return p.toString();
            }
        } catch (RuntimeException e) {
            // an unusable KCD_AUDIT_HOME: the launcher has said so already; name the example generically
        }
        return "config/kcd-audit.example.yaml of the installation folder";
    }

    /**
     * --config given a folder (the config's, a Tab completion one level short): the config in it to pass (as one
     * shell argument: {@code C:\Program Files\kcd-audit} is quoted), or the example to copy there.
     */
    private static ConfigException folderGiven(String name, Path folder) {
        Path inIt = folder.resolve("kcd-audit.yaml");
        return new ConfigException(name + ": it is a folder, not a file: " + (Files.isRegularFile(inIt)
                ? "--config " + ShellArg.of(inIt) : "give the YAML configuration in it (copy " + example() + " there and edit it)"));
    }

    public static AuditConfig load(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw folderGiven(name, file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": file not found " + startFrom(file));
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + org.kcdauditor.io.IoErrors.describe(e));
        }
        String text = YamlText.decode(file, bytes);
        if (text.isBlank()) {
            throw new ConfigException(name + ": the file is empty " + startFrom(file));
        }
        RawConfig raw;
        try {
            raw = YAML.readValue(text, RawConfig.class);
        } catch (JsonProcessingException e) {
            YamlText.refuseIfDuplicateKey(YAML.getFactory(), text, name, e);
            JsonProcessingException first = YamlText.syntaxFirst(YAML.getFactory(), text, e);
            if (first == e && e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                // a value of the wrong kind: every such value named, as the problems found after reading are
                throw refusal(where(name, text, m), bindingProblems(text, m));
            }
            throw new ConfigException(describe(name, text, first));
        }
        if (raw == null) {
            throw new ConfigException(name + ": the file is empty");
        }
        if (raw.directory() != null && raw.directories() != null) {
            throw new ConfigException(name + ": directories: give directory (one domain) or directories (several),"
                    + " not both");
        }
        if (raw.directories() != null && raw.directories().isEmpty()) {
            throw new ConfigException(name + ": directories: empty (name each domain's directory, or use directory:)");
        }
        Path abs = file.toAbsolutePath();
        AuditConfig c = new AuditConfig(abs, abs.getParent(), raw.directory(),
                raw.clusters() == null ? List.of() : raw.clusters(),
                raw.policy(), raw.reports(), raw.store(),
                raw.baseline(), raw.patches(), raw.hardeningCatalogue(), raw.events(), raw.schedule(), raw.mail(),
                raw.daemon(), raw.hostSettings(), raw.directories(), sha256(bytes));
        List<String> errors = errors(c);
        if (!errors.isEmpty()) {
            // the first problem placed at its key's line, as the binding's own errors are
            Matcher key = KEY_PATH.matcher(errors.get(0));
            int line = key.lookingAt() ? YamlText.lineOf(YAML.getFactory(), text,
                    key.group().substring(0, key.group().length() - 2)) : 0;
            throw refusal(line > 0 ? name + ":" + line : name, errors);
        }
        return c;
    }

    /** The SHA-256 (hex) of the bytes a configuration was parsed from ({@link AuditConfig#sourceSha256}). */
    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The line of the key at {@code keyPath} in the config {@code file}, or 0 where it has none or cannot be read: for
     * a problem found after loading, when the file is read again.
     */
    static int lineOf(Path file, String keyPath) {
        try {
            return file == null ? 0 : YamlText.lineOf(YAML.getFactory(), YamlText.read(file), keyPath);
        } catch (IOException | ConfigException e) {
            return 0;
        }
    }

    /** Whether {@code message} starts with a key path of the configuration ({@link #KEY_PATH}). */
    static boolean startsWithKey(String message) {
        return message != null && KEY_PATH.matcher(message).lookingAt();
    }

    /** The problems named after the first; the rest are counted. */
    private static final int NAMED_AFTER_FIRST = 3;

    /**
     * One line: the first problem after {@code where} ({@code file} or {@code file:line}), the next
     * {@value #NAMED_AFTER_FIRST} named and the others counted.
     */
    private static ConfigException refusal(String where, List<String> errors) {
        List<String> others = errors.subList(1, errors.size());
        List<String> named = others.subList(0, Math.min(others.size(), NAMED_AFTER_FIRST));
        String more = others.isEmpty() ? "" : " (and " + others.size() + " more problem"
                + (others.size() > 1 ? "s" : "") + ": " + String.join("; ", named)
                + (others.size() > named.size() ? "; and " + (others.size() - named.size()) + " more" : "") + ")";
        return new ConfigException(where + ": " + errors.get(0) + more);
    }

    /** Every problem of {@code c}, each starting with its key path where it has one. */
    private static List<String> errors(AuditConfig c) {
        List<String> errors = new ArrayList<>();
        if (c.directories().isEmpty()) {
            errors.add("directory: missing (url, bindDn, passwordEnv or passwordFile, baseDn; or directories: with"
                    + " one such entry per domain)");
        }
        for (Map.Entry<String, DirectoryConfig> d : c.directories().entrySet()) {
            validateDirectory(d.getValue(), c.directoryKey(d.getKey()), !c.directoryKey(d.getKey()).equals("directory"),
                    errors);
            if (!DIRECTORY_NAME.matcher(d.getKey()).matches()) {
                errors.add("directories." + d.getKey() + ": a name of letters, digits, '.', '-' and '_' (it appears"
                        + " in reports and scripts), e.g. contoso");
            }
        }
        validateOneDirectoryPerDomain(c, errors);
        validateClusters(c, errors);
        validateClusterDirectories(c, errors);
        validatePolicy(c.policy(), c.clusters(), errors);
        if (c.reports().formats() != null) {
            List<String> formats = c.reports().formats();
            for (int i = 0; i < formats.size(); i++) {
                if (Format.of(formats.get(i)) == null) {
                    errors.add("reports.formats[" + i + "]: unknown format '" + formats.get(i) + "' (known: "
                            + Format.known() + ")");
                }
            }
        }
        if (c.reports().pdfMatrixMaxNodes() != null && c.reports().pdfMatrixMaxNodes() < 2) {
            errors.add("reports.pdfMatrixMaxNodes: must be at least 2 (got " + c.reports().pdfMatrixMaxNodes() + ")");
        }
        String ticket = ReportsConfig.changeTicketProblem(c.reports().changeTicket());
        if (ticket != null) {
            errors.add("reports.changeTicket: " + ticket);
        }
        HistoryConfigValidation.validate(c, errors);
        ScheduleConfigValidation.validate(c, errors);
        return errors;
    }

    /**
     * Two directories of one domain (their base DNs end in the same domain components) would be audited as two
     * domains: pairs between their clusters called cross-domain (CROSS_DOMAIN_NEEDS_RBCD, though the sources' entries
     * work within a domain) and an SPN held in both never a duplicate. A domain is one directory; its other DCs are
     * {@code domainControllers}.
     */
    private static void validateOneDirectoryPerDomain(AuditConfig c, List<String> errors) {
        if (c.directories().size() < 2) {
            return;
        }
        Map<String, String> byDomain = new java.util.HashMap<>();
        for (Map.Entry<String, DirectoryConfig> d : c.directories().entrySet()) {
            String domain = d.getValue() == null ? null : domainOf(d.getValue().baseDn());
            if (domain == null) {
                continue;
            }
            String first = byDomain.putIfAbsent(domain.toLowerCase(java.util.Locale.ROOT), d.getKey());
            if (first != null) {
                errors.add(c.directoryKey(d.getKey()) + ".baseDn: the domain " + domain + " of "
                        + c.directoryKey(first) + " too; give each domain one directory (its other domain controllers"
                        + " go in domainControllers): two directories of one domain are audited as two domains, so"
                        + " their clusters' pairs would be called cross-domain and an SPN held in both no duplicate");
            }
        }
    }

    /** The domain components a base DN ends in ({@code DC=contoso,DC=com}), normalised; null if none or invalid. */
    private static String domainOf(String baseDn) {
        if (blank(baseDn) || !DN.isValidDN(baseDn)) {
            return null;
        }
        try {
            com.unboundid.ldap.sdk.RDN[] rdns = new DN(baseDn).getRDNs();
            int from = rdns.length;
            while (from > 0 && !rdns[from - 1].isMultiValued()
                    && rdns[from - 1].getAttributeNames()[0].equalsIgnoreCase("dc")) {
                from--;
            }
            if (from == rdns.length) {
                return null;
            }
            return new DN(java.util.Arrays.copyOfRange(rdns, from, rdns.length)).toNormalizedString()
                    .replace("dc=", "DC=");
        } catch (com.unboundid.ldap.sdk.LDAPException e) {
            return null;
        }
    }

    /**
     * Why a URL on the Global Catalog's ports (3268, 3269) cannot be audited, or null: the Global Catalog holds only
     * the partial attribute set, without msDS-AllowedToDelegateTo, so every host would read as delegating to nothing
     * (Samba's Global Catalog of its own domain returns it, Windows' does not).
     */
    private static String globalCatalog(LDAPURL url) {
        int port = url.getPort();
        return port != 3268 && port != 3269 ? null : "port " + port + " is the Global Catalog, which does not hold"
                + " msDS-AllowedToDelegateTo (not in its partial attribute set): every host would read as delegating to"
                + " nothing — use the domain controller's own port, ldaps://<DC>:636 or ldap://<DC>:389 with startTls: true";
    }

    /**
     * Why an account name holds a control character, or null: {@code "CONTOSO\administrator"} in double quotes, where
     * YAML reads {@code \a} as the bell, {@code \t} as a tab, {@code \n} as a line feed, and {@code \L}, {@code \P},
     * {@code \N} and {@code \_} as U+2028, U+2029, U+0085 and a no-break space ({@code "CONTOSO\Peter"}).
     */
    private static String escaped(String name) {
        return name.chars().filter(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0xA0)
                .mapToObj(c -> "holds the " + (Character.isISOControl(c) ? "control " : "") + "character "
                + String.format("\\u%04x", c) + " where YAML read a backslash in double quotes as an escape — write"
                + " CONTOSO\\name without quotes or in single quotes").findFirst().orElse(null);
    }

    private static final Pattern DIRECTORY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * @param key            {@code directory} or {@code directories.<name>}: the key path messages name
     * @param optionalAllowed {@code optional} is only for an entry of {@code directories:}
     */
    private static void validateDirectory(DirectoryConfig d, String key, boolean optionalAllowed, List<String> errors) {
        if (d == null) {
            errors.add(key + ": missing (url, bindDn, passwordEnv or passwordFile, baseDn)");
            return;
        }
        List<String> mine = new ArrayList<>();
        validateDirectory(d, mine);
        // the checks name "directory"; an entry of directories: is named by its own key path
        for (String e : mine) {
            errors.add(key.equals("directory") ? e : key + e.substring("directory".length()));
        }
        for (int i = 0; i < d.domainControllers().size(); i++) {
            String dc = d.domainControllers().get(i);
            String at = key + ".domainControllers[" + i + "]";
            String lower = dc == null ? "" : dc.toLowerCase(Locale.ROOT);
            if (dc != null && holdsUserInfo(dc)) {
                errors.add(at + ": " + USER_INFO + "; the directory's bindDn and password are used for every domain"
                        + " controller");
                continue;
            }
            if (!lower.startsWith("ldap://") && !lower.startsWith("ldaps://")) {
                errors.add(at + ": an ldaps:// or ldap:// URL of a domain controller " + got(dc));
                continue;
            }
            try {
                LDAPURL url = new LDAPURL(dc);
                String gc = globalCatalog(url);
                if (gc != null) {
                    errors.add(at + ": " + gc);
                } else if (lower.startsWith("ldap://") && !d.useStartTls() && !d.insecureBindAllowed() && !d.gssapi()) {
                    // refused at its connection otherwise, mid-preflight, under allowInsecureBind's name
                    errors.add(at + ": a plain ldap:// URL would send the bind password readable (" + key
                            + ".startTls is off, allowInsecureBind not set): use ldaps://"
                            + (url.getHost().contains(":") ? "[" + url.getHost() + "]" : url.getHost()) + ":636");
                }
            } catch (LDAPException e) {
                errors.add(at + ": not a valid LDAP URL: " + e.getMessage());
            }
        }
        if (d.optional() != null && !optionalAllowed) {
            errors.add(key + ".optional: only an entry of directories: can be optional (the only directory must be"
                    + " read)");
        }
    }

    /** Each cluster names a configured directory; with several, every cluster must name one. */
    private static void validateClusterDirectories(AuditConfig c, List<String> errors) {
        for (int i = 0; i < c.clusters().size(); i++) {
            ClusterConfig cl = c.clusters().get(i);
            if (cl == null || c.directories().isEmpty()) {
                continue;
            }
            String known = String.join(", ", c.directories().keySet());
            if (cl.directory() == null) {
                errors.add("clusters[" + i + "].directory: missing: with several directories each cluster names its"
                        + " own (one of " + known + ")");
            } else if (!c.directories().containsKey(cl.directory())) {
                errors.add("clusters[" + i + "].directory: no directory named '" + cl.directory() + "' (known: "
                        + known + ")");
            } else {
                ouOfAnotherDomain(c, i, errors);
            }
        }
    }

    /**
     * A cluster's {@code ou} in another domain than its directory's: its DC holds no such OU (AD refers it elsewhere),
     * and with several directories the sweep of the domain that holds it would hand its computers to a cluster said
     * to be of this one.
     */
    private static void ouOfAnotherDomain(AuditConfig c, int i, List<String> errors) {
        ClusterConfig cl = c.clusters().get(i);
        DirectoryConfig own = c.directories().get(cl.directory());
        String ou = blank(cl.ou()) ? null : domainOf(cl.ou());
        String domain = own == null ? null : domainOf(own.baseDn());
        if (ou == null || domain == null || ou.equalsIgnoreCase(domain)) {
            return;
        }
        String holder = c.directories().entrySet().stream().filter(d -> d.getValue() != null
                && ou.equalsIgnoreCase(domainOf(d.getValue().baseDn()))).map(Map.Entry::getKey).findFirst()
                .orElse(null);
        errors.add("clusters[" + i + "].ou: " + cl.ou() + " is in the domain " + ou + ", not in " + domain + " of "
                + c.directoryKey(cl.directory()) + ": " + (holder != null ? "set clusters[" + i + "].directory: "
                + holder : "give that domain a directory of its own (directories:), or correct the ou"));
    }

    /** Why a URL holding {@code user:password@} is refused; the URL itself is never repeated. */
    static final String USER_INFO = "holds a user name or password before '@' (the value is not shown: it may be a"
            + " password)";

    /**
     * Whether {@code url} names a user or a password before its host ({@code ldaps://svc:secret@dc1},
     * {@code jdbc:postgresql://svc:secret@db/kcd}, {@code svc:secret@dc1}): an '@' between {@code ://} (or the start)
     * and the first '/', '?' or '#'. Messages must not repeat such a URL.
     */
    /**
     * How a message about a URL refused for its form shows it: {@code (got 'url')}, unless it holds an '@' or a
     * {@code user=}/{@code password=} parameter anywhere: a mistyped scheme ({@code ldaps:/svc:secret@dc1},
     * {@code jdbc:postgres://db/kcd?password=secret}) escapes {@link #holdsUserInfo}, and the URL must not be repeated.
     */
    static String got(String url) {
        return url.indexOf('@') >= 0 || holdsCredentialParameter(url)
                ? "(the value is not shown: it may hold a password)" : "(got '" + url + "')";
    }

    /** Whether {@code url} names a {@code user=} or {@code password=} (any case) anywhere. */
    static boolean holdsCredentialParameter(String url) {
        return CREDENTIAL_PARAMETER.matcher(url).find();
    }

    private static final java.util.regex.Pattern CREDENTIAL_PARAMETER =
            java.util.regex.Pattern.compile("(?i)(password|user)=");

    static boolean holdsUserInfo(String url) {
        int scheme = url.indexOf("://");
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int end = rest.length();
        for (char c : new char[]{'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return rest.substring(0, end).indexOf('@') >= 0;
    }

    private static void validateDirectory(DirectoryConfig d, List<String> errors) {
        if (blank(d.url())) {
            errors.add("directory.url: missing (ldaps://dc1.contoso.com:636, or ldap:// with startTls: true)");
        } else if (holdsUserInfo(d.url())) {
            errors.add("directory.url: " + USER_INFO + "; give the account in bindDn and its password in passwordEnv or"
                    + " passwordFile, never in the URL");
        } else {
            String lower = d.url().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("ldap://") && !lower.startsWith("ldaps://")) {
                errors.add("directory.url: must start with ldaps:// or ldap:// " + got(d.url()));
            } else {
                try {
                    String gc = globalCatalog(new LDAPURL(d.url()));
                    if (gc != null) {
                        errors.add("directory.url: " + gc);
                    }
                } catch (LDAPException e) {
                    errors.add("directory.url: not a valid LDAP URL: " + e.getMessage());
                }
                if (lower.startsWith("ldaps://") && d.useStartTls()) {
                    errors.add("directory.startTls: StartTLS is for ldap:// URLs; ldaps:// is already encrypted");
                }
            }
        }
        if (d.auth() != null && !d.auth().equalsIgnoreCase("simple") && !d.gssapi()) {
            errors.add("directory.auth: must be simple (the default) or gssapi (got '" + d.auth() + "')");
        }
        if (d.gssapi()) {
            if (blank(d.principal())) {
                errors.add("directory.principal: missing for auth: gssapi (svc-kcdaudit@CONTOSO.COM)");
            }
            if (!blank(d.passwordEnv()) || !blank(d.passwordFile())) {
                errors.add("directory: auth: gssapi takes no password; give keytab (or none for the ticket cache)");
            }
        } else if (!blank(d.principal()) || !blank(d.keytab()) || !blank(d.krb5Conf())) {
            errors.add("directory: principal, keytab and krb5Conf are for auth: gssapi");
        }
        if (d.gssapi()) {
            // no bindDn or password: the Kerberos principal authenticates
        } else if (blank(d.bindDn())) {
            errors.add("directory.bindDn: missing (svc-kcdaudit@contoso.com, CONTOSO\\svc-kcdaudit or a DN)");
        } else if (escaped(d.bindDn()) != null) {
            errors.add("directory.bindDn: " + escaped(d.bindDn()));
        }
        if (d.gssapi()) {
            // see above
        } else if (blank(d.passwordEnv()) && blank(d.passwordFile())) {
            errors.add("directory: give passwordEnv (an environment variable name) or passwordFile (a file path)"
                    + " for the bind password");
        } else if (!blank(d.passwordEnv()) && !blank(d.passwordFile())) {
            errors.add("directory: give passwordEnv or passwordFile, not both");
        }
        if (blank(d.baseDn())) {
            errors.add("directory.baseDn: missing (DC=contoso,DC=com)");
        } else if (!DN.isValidDN(d.baseDn())) {
            errors.add("directory.baseDn: not a valid DN: '" + d.baseDn() + "'" + dnHint(d.baseDn()));
        } else if (dottedComponent(d.baseDn()) != null) {
            errors.add("directory.baseDn: " + dottedComponent(d.baseDn()));
        }
        if (d.pageSize() != null && (d.pageSize() < 1 || d.pageSize() > 100_000)) {
            errors.add("directory.pageSize: must be between 1 and 100000 (AD serves at most 1000 per page)");
        }
        if (d.timeoutSeconds() != null && d.timeoutSeconds() < 1) {
            errors.add("directory.timeoutSeconds: must be at least 1");
        }
        if (d.runTimeoutSeconds() != null && d.runTimeoutSeconds() < 1) {
            errors.add("directory.runTimeoutSeconds: must be at least 1");
        }
        if (!blank(d.trustStorePasswordEnv()) && !blank(d.trustStorePasswordFile())) {
            errors.add("directory: give trustStorePasswordEnv or trustStorePasswordFile, not both");
        }
        Secrets.checkEnvName("directory.passwordEnv", d.passwordEnv(), errors);
        Secrets.checkEnvName("directory.trustStorePasswordEnv", d.trustStorePasswordEnv(), errors);
    }

    private static void validateClusters(AuditConfig config, List<String> errors) {
        List<ClusterConfig> clusters = config.clusters();
        if (clusters.isEmpty()) {
            errors.add("clusters: must not be empty (name each Hyper-V cluster and its nodes or OU)");
            return;
        }
        Map<String, String> clusterOfNode = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig c = clusters.get(i);
            String at = "clusters[" + i + "]";
            if (blank(c.name())) {
                errors.add(at + ".name: missing");
            } else if (!org.kcdauditor.remedy.Values.oneLine(c.name())) {
                // the name heads the cluster's part of every report, the PDF's decision page and the mail: a line feed
                // in it printed a line of its own there ("GO for the patch window")
                errors.add(at + ".name: one line of visible text (no control, line-break or bidirectional characters)");
            } else if (!names.add(c.name().toLowerCase(Locale.ROOT))) {
                errors.add(at + ".name: duplicate cluster name '" + c.name() + "'");
            }
            boolean hasOu = !blank(c.ou());
            if (!hasOu && c.nodes().isEmpty()) {
                errors.add(at + ".nodes: must not be empty (or give ou: to take every computer under an OU)");
            }
            if (hasOu && !c.nodes().isEmpty()) {
                errors.add(at + ": give nodes or ou, not both");
            }
            if (hasOu && !DN.isValidDN(c.ou())) {
                errors.add(at + ".ou: not a valid DN: '" + c.ou() + "'" + dnHint(c.ou()));
            } else if (hasOu && dottedComponent(c.ou()) != null) {
                errors.add(at + ".ou: " + dottedComponent(c.ou()));
            }
            for (int j = 0; j < c.nodes().size(); j++) {
                String node = c.nodes().get(j);
                if (blank(node)) {
                    errors.add(at + ".nodes[" + j + "]: empty node name");
                    continue;
                }
                String form = HostNameForms.problem(node);
                if (form != null) {
                    errors.add(at + ".nodes[" + j + "]: " + form);
                    continue;
                }
                String previous = clusterOfNode.putIfAbsent(node.toLowerCase(Locale.ROOT), c.name());
                if (previous != null) {
                    errors.add(at + ".nodes[" + j + "]: " + node + " is already a node of cluster " + previous
                            + " (a host belongs to one cluster; use policy.migrationGroups for cross-cluster moves)");
                }
            }
            Set<String> fileServers = new HashSet<>();
            Set<String> nodes = new HashSet<>();
            c.nodes().stream().filter(n -> !blank(n)).forEach(n -> nodes.add(n.toLowerCase(Locale.ROOT)));
            for (int j = 0; j < c.fileServers().size(); j++) {
                String fs = c.fileServers().get(j);
                String form = blank(fs) ? null : HostNameForms.problem(fs);
                if (blank(fs)) {
                    errors.add(at + ".fileServers[" + j + "]: empty name");
                } else if (form != null) {
                    errors.add(at + ".fileServers[" + j + "]: " + form);
                } else if (nodes.contains(fs.toLowerCase(Locale.ROOT))) {
                    errors.add(at + ".fileServers[" + j + "]: " + fs + " is a node of this cluster; fileServers are"
                            + " the SMB hosts the nodes use, not nodes: remove it from one list");
                } else if (!fileServers.add(fs.toLowerCase(Locale.ROOT))) {
                    errors.add(at + ".fileServers[" + j + "]: " + fs + " is listed twice: remove one");
                }
            }
        }
    }

    private static void validatePolicy(PolicyConfig p, List<ClusterConfig> clusters, List<String> errors) {
        if (p.services().isEmpty()) {
            errors.add("policy.services: must not be empty");
        }
        Set<String> services = new HashSet<>();
        for (int i = 0; i < p.services().size(); i++) {
            String s = p.services().get(i);
            if (blank(s) || s.contains("/")) {
                errors.add("policy.services[" + i + "]: a service class such as 'cifs', without '/'");
            } else if (!services.add(s.toLowerCase(Locale.ROOT))) {
                errors.add("policy.services[" + i + "]: " + s + " is listed twice (service classes compare ignoring"
                        + " case): remove one");
            }
        }
        if (p.nameForms().isEmpty()) {
            errors.add("policy.nameForms: must not be empty (netbios, fqdn)");
        }
        for (int i = 0; i < p.nameForms().size(); i++) {
            if (!List.of("netbios", "fqdn").contains(p.nameForms().get(i))) {
                errors.add("policy.nameForms[" + i + "]: must be netbios or fqdn (got '" + p.nameForms().get(i) + "')");
            }
        }
        for (int i = 0; i < p.operators().size(); i++) {
            String o = p.operators().get(i);
            if (blank(o)) {
                errors.add("policy.operators[" + i + "]: empty name (a sAMAccountName such as adm-jdoe, or a DN)");
            } else if (escaped(o) != null) {
                errors.add("policy.operators[" + i + "]: " + escaped(o));
            } else if (o.contains("=") && !DN.isValidDN(o.strip())) {
                errors.add("policy.operators[" + i + "]: '" + o + "' is neither a sAMAccountName nor a valid DN");
            }
        }
        Set<String> known = clusters.stream().filter(c -> c != null && c.name() != null)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (int i = 0; i < p.migrationGroups().size(); i++) {
            List<String> group = p.migrationGroups().get(i);
            for (int j = 0; j < group.size(); j++) {
                if (!known.contains(group.get(j).toLowerCase(Locale.ROOT))) {
                    errors.add("policy.migrationGroups[" + i + "][" + j + "]: no cluster named '" + group.get(j) + "'");
                }
            }
        }
    }

    private static String describe(String file, String text, JsonProcessingException e) {
        return where(file, text, e) + ": " + YamlText.keyPath(e) + problem(e, null);
    }

    /** The file and line of a binding problem: {@code kcd-audit.yaml:6}, the file alone where no line is known. */
    private static String where(String file, String text, JsonProcessingException e) {
        JsonLocation at = YamlText.location(e);
        String line = at == null ? "" : ":" + at.getLineNr();
        if (e instanceof UnrecognizedPropertyException u) {
            // Jackson reports the end of the mapping it buffered for a record: find the key itself
            int keyLine = keyLine(text, u.getPath());
            line = keyLine > 0 ? ":" + keyLine : line;
        }
        return file + line;
    }

    /** A binding problem in words, without its key path; {@code value} the node at its key, null when not known. */
    private static String problem(JsonProcessingException e, com.fasterxml.jackson.databind.JsonNode value) {
        if (e instanceof UnrecognizedPropertyException u) {
            String similar = org.kcdauditor.model.Spelling.closest(u.getPropertyName(), u.getKnownPropertyIds().stream()
                    .map(Object::toString).toList()).map(k -> "; did you mean '" + k + "'?").orElse("");
            return "unknown key '" + u.getPropertyName() + "'" + similar + " (known: " + u.getKnownPropertyIds()
                    .stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
        }
        return YamlText.problem(e, value);
    }

    /** How many binding problems are looked for after the first: more are not named anyway ({@link #refusal}). */
    private static final int BINDING_PROBLEMS = 100;

    /**
     * Every binding problem of {@code text}, the first being {@code first}, each as {@code key.path: problem} with the
     * value given: the binding stops at the first, so the text is read as a tree and bound again without each value
     * refused, until it binds or another kind of problem stops it. A list item taken out is counted back, so the items
     * after it keep their own index.
     */
    private static List<String> bindingProblems(String text, JsonMappingException first) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            return List.of(YamlText.keyPath(first) + problem(first, null));
        }
        Map<com.fasterxml.jackson.databind.JsonNode, List<Integer>> removed = new java.util.IdentityHashMap<>();
        List<String> problems = new ArrayList<>();
        JsonMappingException e = first;
        while (problems.size() <= BINDING_PROBLEMS) {
            if (!takeOut(tree, e, removed, problems)) {
                break;
            }
            try {
                YAML.treeToValue(tree, RawConfig.class);
                break;
            } catch (JsonMappingException next) {
                if (next.getPath().isEmpty()) {
                    break;
                }
                e = next;
            } catch (JsonProcessingException other) {
                break;
            }
        }
        return problems;
    }

    /**
     * Adds problem {@code e} to {@code problems}, with the value at its key in {@code tree}, and takes that value out
     * of the tree; false when its key cannot be followed in the tree (then it is added without its value).
     */
    private static boolean takeOut(com.fasterxml.jackson.databind.JsonNode tree, JsonMappingException e,
                                   Map<com.fasterxml.jackson.databind.JsonNode, List<Integer>> removed,
                                   List<String> problems) {
        com.fasterxml.jackson.databind.JsonNode parent = null;
        com.fasterxml.jackson.databind.JsonNode node = tree;
        StringBuilder path = new StringBuilder();
        int original = -1;
        for (JsonMappingException.Reference r : e.getPath()) {
            parent = node;
            if (r.getFieldName() != null && node.isObject()) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
                node = node.get(r.getFieldName());
            } else if (r.getIndex() >= 0 && node.isArray()) {
                original = r.getIndex();
                for (int taken : removed.getOrDefault(node, List.of())) {
                    original += taken <= original ? 1 : 0;
                }
                path.append('[').append(original).append(']');
                node = node.get(r.getIndex());
            } else {
                node = null;
            }
            if (node == null) {
                problems.add(YamlText.keyPath(e) + problem(e, null));
                return false;
            }
        }
        problems.add(path + ": " + problem(e, node));
        JsonMappingException.Reference last = e.getPath().get(e.getPath().size() - 1);
        if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove(last.getFieldName());
        } else if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            a.remove(last.getIndex());
            List<Integer> taken = removed.computeIfAbsent(a, k -> new ArrayList<>());
            taken.add(original);
            java.util.Collections.sort(taken);
        }
        return true;
    }

    /** The 1-based line of the key {@code refs} leads to in {@code text}, or 0 when it cannot be followed. */
    static int keyLine(String text, List<JsonMappingException.Reference> refs) {
        Node node;
        try {
            node = new Yaml().compose(new StringReader(text));
        } catch (RuntimeException e) {
            return 0;
        }
        int line = 0;
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null && node instanceof MappingNode map) {
                NodeTuple found = map.getValue().stream().filter(t -> t.getKeyNode() instanceof ScalarNode k
                        && k.getValue().equals(r.getFieldName())).findFirst().orElse(null);
                if (found == null) {
                    return 0;
                }
                line = found.getKeyNode().getStartMark().getLine() + 1;
                node = found.getValueNode();
            } else if (r.getIndex() >= 0 && node instanceof SequenceNode seq && r.getIndex() < seq.getValue().size()) {
                node = seq.getValue().get(r.getIndex());
                line = node.getStartMark().getLine() + 1;
            } else {
                return 0;
            }
        }
        return line;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * Why a DN with a domain component holding a dot ({@code DC=contoso.com}) names no AD domain, or null: each DC= part
     * is one label of the domain's DNS name, so no domain partition has such a DN and AD refers it elsewhere.
     */
    static String dottedComponent(String dn) {
        try {
            for (com.unboundid.ldap.sdk.RDN rdn : new DN(dn).getRDNs()) {
                String[] names = rdn.getAttributeNames();
                String value = rdn.getAttributeValues()[0];
                if (names.length == 1 && names[0].equalsIgnoreCase("dc") && value.contains(".")) {
                    return rdn + " is one domain component holding a dot; each DC= part is one label of the domain's DNS"
                            + " name: " + String.join(",", java.util.Arrays.stream(value.split("\\.", -1))
                            .filter(label -> !label.isEmpty()).map(label -> "DC=" + label).toList());
                }
            }
        } catch (LDAPException e) {
            return null; // refused as no valid DN
        }
        return null;
    }

    /**
     * What to write instead of a value that is no DN: a domain name typed as such ({@code contoso.com}) as its DN, else
     * the shape of one.
     */
    static String dnHint(String value) {
        String v = value.strip();
        if (v.matches("(?i)[a-z0-9-]+(\\.[a-z0-9-]+)+\\.?")) {
            return " (write the domain as its DN: " + String.join(",", java.util.Arrays.stream(v.split("\\."))
                    .map(label -> "DC=" + label).toList()) + ")";
        }
        return " (a DN is RDNs such as DC=contoso,DC=com, joined by commas)";
    }
}
