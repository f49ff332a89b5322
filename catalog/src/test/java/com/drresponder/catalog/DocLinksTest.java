package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md, the modules' READMEs and docs/ resolves: the file (or folder) exists and, for
 * {@code file.md#anchor}, the file has a heading with that GitHub anchor.
 */
class DocLinksTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.map(m -> m.resolve("README.md")).filter(Files::isRegularFile).forEach(docs::add);
        }
        try (Stream<Path> tree = Files.walk(ROOT.resolve("docs"))) {
            tree.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs.stream().distinct().toList();
    }

    @Test
    void everyRelativeLink_should_resolve_when_theDocsAreRead() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("//")) {
                    continue; // https:, mailto: ...: not a file of this repository
                }
                checked++;
                String problem = problem(doc, target);
                if (problem != null) {
                    broken.add(ROOT.relativize(doc) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(checked).as("relative links checked").isPositive();
        assertThat(broken).as("broken relative links").isEmpty();
    }

    @Test
    void anchor_should_beGitHubsSlug_when_headingHasPunctuation() {
        assertThat(anchors("## The API call log: what the IAM check evaluates\n### `drctl local` (mode)\n"))
                .containsExactlyInAnyOrder("the-api-call-log-what-the-iam-check-evaluates", "drctl-local-mode");
    }

    private static String problem(Path doc, String target) {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor != null && !anchor.isEmpty() && Files.isRegularFile(file) && file.toString().endsWith(".md")) {
            try {
                if (!anchors(Files.readString(file)).contains(anchor)) {
                    return "no heading #" + anchor + " in " + ROOT.relativize(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(String markdown) {
        return HEADING.matcher(markdown).results()
                .map(r -> r.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
