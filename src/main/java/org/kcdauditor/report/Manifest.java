package org.kcdauditor.report;

import org.kcdauditor.config.ConfigException;
import org.kcdauditor.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@value #FILE_NAME}: the SHA-256 of every report file a run's folder holds, one line each in {@code sha256sum}'s
 * format ({@code <64 hex digits><two spaces><file name>}), so that {@code kcd-audit verify} — or {@code sha256sum -c
 * manifest.sha256}, {@code Get-FileHash} — shows later whether a file was changed since. Anyone who changes a file
 * can write the manifest again too: the manifest's own SHA-256 ({@link #sha256}), said at the end of the run and filed
 * elsewhere, is what shows the manifest is the run's.
 */
public final class Manifest {
    public static final String FILE_NAME = "manifest.sha256";

    /** A file the manifest lists, or one the folder holds that it does not, and what verification found. */
    public enum State { OK, CHANGED, MISSING, UNLISTED }

    /** One line of a verification. */
    public record Check(String file, State state) {
    }

    private Manifest() {
    }

    /**
     * Writes {@value #FILE_NAME} into {@code dir} (atomically), listing {@code files} by name in the order given (each
     * read where it is: a file kept from before may stand in another folder than the new ones).
     *
     * @return the manifest written
     */
    public static Path write(Path dir, List<Path> files) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            sb.append(sha256(f)).append("  ").append(f.getFileName()).append('\n');
        }
        Path target = dir.resolve(FILE_NAME);
        AtomicFiles.write(target, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        return target;
    }

    /**
     * Checks {@code dir} against its {@value #FILE_NAME}: each listed file OK, CHANGED or MISSING, in the manifest's
     * order, then each report file ({@link Format}) the folder holds that it does not list, UNLISTED.
     *
     * @throws ConfigException when the folder has no manifest or a line of it is not {@code sha256sum}'s format
     */
    public static List<Check> verify(Path dir) throws IOException {
        Path manifest = dir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(manifest + ": no such file (a folder written before kcd-audit wrote manifests"
                    + " has none: nothing to verify it against)");
        }
        Map<String, String> listed = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String name = line.length() > 66 ? line.substring(66) : "";
            if (!line.matches("[0-9a-fA-F]{64} [ *].+") || name.contains("/") || name.contains("\\")
                    || name.equals("..")) {
                throw new ConfigException(manifest + ":" + (i + 1) + ": not a line of sha256sum's format"
                        + " (<SHA-256 in hex>, two spaces, a file name of this folder)");
            }
            listed.put(name, line.substring(0, 64).toLowerCase(Locale.ROOT));
        }
        List<Check> out = new ArrayList<>();
        for (Map.Entry<String, String> e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            State s = !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? State.MISSING
                    : sha256(f).equals(e.getValue()) ? State.OK : State.CHANGED;
            out.add(new Check(e.getKey(), s));
        }
        for (Format f : Format.values()) {
            if (!listed.containsKey(f.fileName())
                    && Files.exists(dir.resolve(f.fileName()), LinkOption.NOFOLLOW_LINKS)) {
                out.add(new Check(f.fileName(), State.UNLISTED));
            }
        }
        return List.copyOf(out);
    }

    /** The SHA-256 (hex) of file {@code f}'s bytes. */
    public static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
