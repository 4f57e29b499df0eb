package org.kcdauditor.cli;

import picocli.CommandLine;

/** An option value that must be a whole number of at least 1 ({@code --limit}); anything else is a usage error (exit 2). */
final class PositiveInt implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
        }
        if (n < 1) {
            throw new CommandLine.TypeConversionException("must be at least 1 (got " + n + ")");
        }
        return n;
    }
}
