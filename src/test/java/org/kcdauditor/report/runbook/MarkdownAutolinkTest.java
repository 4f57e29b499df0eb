package org.kcdauditor.report.runbook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A directory value in runbook.md's prose never becomes a link where it is shown: GitHub's, GitLab's and VS Code's
 * Markdown (GFM's autolink extension) turn a bare {@code http://…}, {@code www.…} or {@code name@domain} into one, so
 * an entry such as {@code cifs/http://evil.example/login} was a clickable link in the runbook an admin follows. A
 * backslash before the {@code :} of {@code http://}, the {@code .} after {@code www} and the {@code @} keeps it text
 * (checked with micromark's GFM extension, markdown-it with linkify and marked); a host name is left as it is.
 */
class MarkdownAutolinkTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            cifs/http://evil.example/login      | cifs/http\\://evil.example/login
            HTTPS://x.test/a b                  | HTTPS\\://x.test/a b
            see www.evil.example                | see www\\.evil.example
            WWW.evil.example                    | WWW\\.evil.example
            adm-fab@fabrikam.com                | adm-fab\\@fabrikam.com
            cifs/hv01.contoso.com:445           | cifs/hv01.contoso.com:445
            ftp://x.test                        | ftp\\://x.test
            ldaps://dc1.contoso.com:636         | ldaps://dc1.contoso.com:636
            Microsoft Virtual System Migration Service/hv01.contoso.com | Microsoft Virtual System Migration Service/hv01.contoso.com
            """)
    void aValueThatAMarkdownViewerWouldLinkStaysText(String value, String written) {
        assertEquals(written, EscapingOutputFormat.escapeMarkdown(value));
    }
}
