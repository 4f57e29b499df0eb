package org.kcdauditor.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.YamlText;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code hardening-kbs.yaml}: {@code updates: [{kb, cve, title, released, enforced, changes, carriedBy,
 * phases: [{from, change}]}]}.
 */
public final class HardeningCatalogueFile {
    record Raw(List<HardeningUpdate> updates) {
    }

    private static final ObjectMapper YAML = YamlText.refusingNumbersAsTimes(YamlText.refusingEmptyItems(
            new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)));

    private HardeningCatalogueFile() {
    }

    public static HardeningCatalogue read(Path file) {
        String text = null;
        try {
            text = YamlText.read(file);
            Raw raw = YAML.readValue(text, Raw.class);
            List<HardeningUpdate> updates = raw == null || raw.updates() == null ? List.of() : raw.updates();
            List<HardeningUpdate> valid = new ArrayList<>();
            for (int i = 0; i < updates.size(); i++) {
                HardeningUpdate u = updates.get(i);
                if (u == null || u.kb() == null || PatchImporter.kb(u.kb()) == null) {
                    throw new ConfigException(file + ": updates[" + i + "].kb: missing or not a KB number");
                }
                for (int j = 0; j < u.phases().size(); j++) {
                    HardeningUpdate.Phase ph = u.phases().get(j);
                    if (ph == null || ph.from() == null || ph.change() == null || ph.change().isBlank()) {
                        throw new ConfigException(file + ": updates[" + i + "].phases[" + j + "]: give from (a date,"
                                + " 2026-04-14) and change (what domain controllers do from then on)");
                    }
                }
                for (int j = 0; j < u.carriedBy().size(); j++) {
                    if (u.carriedBy().get(j) == null || PatchImporter.kb(u.carriedBy().get(j)) == null) {
                        throw new ConfigException(file + ": updates[" + i + "].carriedBy[" + j + "]: not a KB number");
                    }
                }
                valid.add(u);
            }
            return new HardeningCatalogue(valid);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": hardening catalogue not found (hardeningCatalogue in the config)");
        } catch (JsonProcessingException e) {
            YamlText.refuseIfDuplicateKey(YAML.getFactory(), text, file.toString(), e);
            JsonProcessingException first = YamlText.syntaxFirst(YAML.getFactory(), text, e);
            throw new ConfigException(file + YamlText.lineAndColumn(first) + ": " + YamlText.keyPath(first)
                    + YamlText.problem(first));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the hardening catalogue: " + e.getMessage());
        }
    }
}
