package org.kcdauditor.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's configuration reference and the loader agree in both directions: every key the loader accepts has a row
 * (or is named in one, as {@code mail.port} in {@code mail.host / .port / .security}), and every key a row names is
 * one the loader accepts.
 */
class ConfigReadmeTest {

    @Test
    void readmeNamesEveryKeyTheLoaderAcceptsAndNoOther() throws Exception {
        Set<String> accepted = new TreeSet<>();
        keys("", ConfigLoader.RawConfig.class, accepted);
        // read as for an entry of directories:, and refused for directory: ("only an entry of directories: can be
        // optional")
        accepted.remove("directory.optional");
        Set<String> documented = documented(Files.readString(Path.of("README.md")));

        List<String> undocumented = new ArrayList<>(accepted);
        undocumented.removeAll(documented);
        assertEquals(List.of(), undocumented, "keys the loader accepts that README's configuration reference lacks");
        List<String> unknown = new ArrayList<>(documented);
        unknown.removeAll(accepted);
        // a list named as a whole (`patches.mappings`), its items' keys in a row of their own
        unknown.removeIf(k -> accepted.stream().anyMatch(a -> a.startsWith(k + "[].")));
        assertEquals(List.of(), unknown, "keys README's configuration reference names that the loader refuses");
    }

    /** Every key path of {@code type}: a record's components, {@code []} for a list of records. */
    private static void keys(String prefix, Class<?> type, Set<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
            String key = prefix + name;
            if (name.equals("directories")) {
                out.add(key);
                // the same settings as directory: (README says so once); optional only here
                out.add("directories.<name>.optional");
                continue;
            }
            Class<?> element = c.getType();
            String sub = key + ".";
            if (List.class.isAssignableFrom(element) || Map.class.isAssignableFrom(element)) {
                Type[] args = ((ParameterizedType) c.getGenericType()).getActualTypeArguments();
                element = args[args.length - 1] instanceof Class<?> k ? k : Object.class;
                sub = key + "[].";
            }
            if (element.isRecord()) {
                keys(sub, element, out);
                if (scalarToo(element)) {
                    out.add(key); // baseline: a path, or a mapping with file and maxWaiverDays
                }
            } else {
                out.add(key);
            }
        }
    }

    /** Whether a record is also written as one value (a {@code @JsonCreator(mode = DELEGATING)} factory). */
    private static boolean scalarToo(Class<?> type) {
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
            com.fasterxml.jackson.annotation.JsonCreator c = m.getAnnotation(
                    com.fasterxml.jackson.annotation.JsonCreator.class);
            if (c != null && c.mode() == com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING) {
                return true;
            }
        }
        return false;
    }

    /** The keys the rows of README's configuration table name in their first cell. */
    private static Set<String> documented(String readme) {
        int a = readme.indexOf("## Configuration reference");
        int b = readme.indexOf("## What a run writes", a);
        Set<String> out = new TreeSet<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String row : readme.substring(a, b).lines().filter(l -> l.startsWith("| `")).toList()) {
            String cell = row.split("\\|")[1];
            Matcher m = code.matcher(cell);
            String first = null;
            while (m.find()) {
                String k = m.group(1);
                if (first == null) {
                    first = k;
                    out.add(k);
                } else if (k.startsWith(".")) {
                    out.add(first.substring(0, first.lastIndexOf('.')) + k);
                } else if (k.startsWith("…")) {
                    // `directory.trustStorePasswordEnv` / `…PasswordFile`
                    out.add(first.replaceFirst("PasswordEnv$", "") + k.substring(1));
                } else if (first.endsWith("[]")) {
                    out.add(first + "." + k);
                } else {
                    out.add(k);
                }
            }
            if (first != null && first.endsWith("[]")) {
                // `patches.mappings[]`: `name`, `computer`, …: the cell names the item's keys after the colon
                Matcher items = code.matcher(cell.substring(cell.indexOf(':') + 1));
                out.remove(first);
                while (items.find()) {
                    out.add(first + "." + items.group(1));
                }
            }
        }
        return out;
    }
}
