package org.kcdauditor.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.Instantiatable;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;

/**
 * The layout of {@code findings.json}: the document's own fields indented two spaces a level, and each object
 * inside an array (a matrix cell, a host, a finding) on a line of its own, written compactly like {@code jq -c}
 * writes it. At 20,000 hosts the matrix has hundreds of thousands of cells, each of which took seven indented
 * lines; one line each is a fraction of the bytes and of the writer's CPU, and still one object per line for an
 * editor or {@code grep}. The objects of the top-level arrays named in {@code expanded} (the clusters) are laid
 * out field by field like the document, so that their matrix cells are a line each. Arrays of values stay on one
 * line ({@code ["a", "b"]}). Only whitespace differs from Jackson's default pretty printer: the content is the
 * same.
 */
final class FindingsLayout implements PrettyPrinter, Instantiatable<FindingsLayout> {
    private static final int INDENT = 2;
    /** A line feed and the indentation of the deepest usual level, written as one slice. */
    private static final char[] LINE = line(64);

    private final Set<String> expanded;
    /** Open objects and arrays. */
    private int depth;
    /** The depth of the one-line object being written, 0 when none: everything inside it is compact. */
    private int compactFrom;
    /** The depths of the open arrays that hold objects (one per line) rather than values. */
    private final BitSet objectArrays = new BitSet();

    FindingsLayout(Set<String> expanded) {
        this.expanded = Set.copyOf(expanded);
    }

    @Override
    public FindingsLayout createInstance() {
        return new FindingsLayout(expanded);
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(' ');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        depth++;
        if (compactFrom == 0) {
            JsonStreamContext array = g.getOutputContext().getParent();
            if (array != null && array.inArray()) {
                objectArrays.set(depth - 1);
                newLine(g, depth - 1);
                if (!expanded(array)) {
                    compactFrom = depth;
                }
            }
        }
        g.writeRaw('{');
    }

    /** Whether {@code array} is one of the top-level arrays whose objects are written field by field. */
    private boolean expanded(JsonStreamContext array) {
        JsonStreamContext owner = array.getParent();
        return owner != null && owner.inObject() && owner.getParent() != null && owner.getParent().inRoot()
                && expanded.contains(owner.getCurrentName());
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        if (compactFrom == 0) {
            newLine(g, depth);
        }
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        if (compactFrom == 0) {
            g.writeRaw(" : ");
        } else {
            g.writeRaw(':');
        }
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        if (compactFrom == 0) {
            newLine(g, depth);
        }
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
        if (compactFrom == 0) {
            if (entries > 0) {
                newLine(g, depth - 1);
            } else {
                g.writeRaw(' ');
            }
        } else if (compactFrom == depth) {
            compactFrom = 0;
        }
        g.writeRaw('}');
        depth--;
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        depth++;
        objectArrays.clear(depth);
        g.writeRaw('[');
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {
        // a value follows the bracket directly; an object starts its own line (writeStartObject)
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        if (compactFrom != 0 || objectArrays.get(depth)) {
            g.writeRaw(',');
        } else {
            g.writeRaw(", ");
        }
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
        if (compactFrom == 0 && objectArrays.get(depth)) {
            newLine(g, depth - 1);
        }
        g.writeRaw(']');
        depth--;
    }

    private static void newLine(JsonGenerator g, int level) throws IOException {
        int spaces = level * INDENT;
        if (spaces < LINE.length) {
            g.writeRaw(LINE, 0, spaces + 1);
        } else {
            g.writeRaw(line(level), 0, spaces + 1);
        }
    }

    private static char[] line(int levels) {
        char[] c = new char[levels * INDENT + 1];
        Arrays.fill(c, ' ');
        c[0] = '\n';
        return c;
    }
}
