package io.ledgerline.server.cli;

import io.ledgerline.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The docs cannot show a command that does not exist: every {@code ledgerline ...} / {@code ./ledgerline ...}
 * invocation in a code block or inline code span of README.md and docs/*.md must parse with
 * {@link LedgerlineCli#commandLine()} (picocli's parseArgs: subcommand, options and their values, nothing run;
 * an inline span may leave out required arguments, as prose names a command: `ledgerline produce`),
 * and every {@code --set KEY=VALUE} it passes to {@code start} must name a {@link BrokerConfig} setting.
 * (The settings table of docs/configuration.md is held by {@link ConfigurationDocTest}.)
 *
 * <p>Invocations are found as a shell would run them: a line of a fenced block, joined with its {@code \}
 * continuations, cut at {@code #} comments, split into pipeline stages at {@code |}, {@code ;}, {@code &&};
 * a stage whose first word is {@code ledgerline} or ends in {@code /ledgerline} is one invocation, up to a
 * redirection ({@code >}, {@code <}). Words are split as the shell does for single and double quotes.
 */
class DocumentedCommandsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("..").normalize();

    /** A documented invocation: where it is, and its arguments after the program name. */
    record Invocation(String where, List<String> args, boolean inline) {
        Invocation(String where, List<String> args) {
            this(where, args, false);
        }
    }

    static List<Path> docs() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    static List<Invocation> invocations(Path file) throws IOException {
        List<Invocation> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            String where = ROOT.relativize(file) + ":" + (i + 1);
            if (fenced) {
                StringBuilder joined = new StringBuilder(line);
                while (joined.toString().endsWith("\\") && i + 1 < lines.size()) {
                    joined.setLength(joined.length() - 1);
                    joined.append(' ').append(lines.get(++i).strip());
                }
                found.addAll(fromShell(where, joined.toString()));
            } else {
                // Inline code spans: `ledgerline ...` and `./ledgerline ...`
                String[] parts = line.split("`", -1);
                for (int k = 1; k < parts.length; k += 2) {
                    for (Invocation inv : fromShell(where, parts[k])) found.add(new Invocation(inv.where(), inv.args(), true));
                }
            }
        }
        return found;
    }

    static List<Invocation> fromShell(String where, String line) {
        List<Invocation> out = new ArrayList<>();
        List<String> stage = new ArrayList<>();
        boolean redirected = false;
        for (String word : words(line)) {
            if (word.equals("#")) break;
            if (word.equals("|") || word.equals(";") || word.equals("&&")) {
                add(out, where, stage);
                stage = new ArrayList<>();
                redirected = false;
            } else if (word.startsWith(">") || word.startsWith("<") || word.startsWith("2>")) {
                redirected = true;
            } else if (!redirected) {
                stage.add(word);
            }
        }
        add(out, where, stage);
        return out;
    }

    private static void add(List<Invocation> out, String where, List<String> stage) {
        if (stage.isEmpty()) return;
        String program = stage.get(0);
        if (program.equals("ledgerline") || program.endsWith("/ledgerline")) {
            out.add(new Invocation(where, List.copyOf(stage.subList(1, stage.size()))));
        }
    }

    /** Shell words: whitespace-separated, single and double quotes group (and are removed), | ; && stand alone. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else if (c == '|' || c == ';' || (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
                words.add(c == '&' ? "&&" : String.valueOf(c));
                if (c == '&') i++;
            } else if (c == '#' && !inWord) {
                words.add("#");
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(w.toString());
        return words;
    }

    @Test
    void everyDocumentedInvocationParses() throws IOException {
        List<Invocation> all = new ArrayList<>();
        for (Path doc : docs()) all.addAll(invocations(doc));
        assertThat(all).as("invocations found in README.md and docs/*.md").hasSizeGreaterThan(10);
        assertThat(all).as("the README's Try it uses the tools")
                .anySatisfy(i -> assertThat(i.args()).startsWith("topics", "create"))
                .anySatisfy(i -> assertThat(i.args()).first().isEqualTo("produce"))
                .anySatisfy(i -> assertThat(i.args()).first().isEqualTo("consume"));
        for (Invocation inv : all) {
            ParseResult parsed;
            try {
                parsed = LedgerlineCli.commandLine().parseArgs(inv.args().toArray(String[]::new));
            } catch (CommandLine.MissingParameterException e) {
                // Prose names a command (`./ledgerline produce`) without its arguments: the command exists.
                if (inv.inline()) continue;
                fail("%s: `ledgerline %s` does not parse: %s", inv.where(), String.join(" ", inv.args()), e.getMessage());
                return;
            } catch (ParameterException e) {
                fail("%s: `ledgerline %s` does not parse: %s", inv.where(), String.join(" ", inv.args()), e.getMessage());
                return;
            }
            ParseResult start = parsed.subcommand();
            if (start != null && start.commandSpec().name().equals("start") && start.hasMatchedOption("--set")) {
                List<String> sets = start.matchedOptionValue("--set", List.of());
                for (String kv : sets) {
                    String key = kv.substring(0, Math.max(0, kv.indexOf('=')));
                    assertThat(BrokerConfig.settings()).as("%s: --set %s names a setting", inv.where(), kv).containsKey(key);
                }
            }
        }
    }

    @Test
    void theFinderSeesWhatAShellWouldRun() {
        assertThat(fromShell("x", "printf 'a b\\n' | ./ledgerline produce payments --parse-key > out.txt # comment"))
                .extracting(Invocation::args).containsExactly(List.of("produce", "payments", "--parse-key"));
        assertThat(fromShell("x", "ledgerline config > ledgerline.properties")).extracting(Invocation::args)
                .containsExactly(List.of("config"));
        assertThat(fromShell("x", "bin/kafka-topics.sh --list")).isEmpty();
        assertThat(fromShell("x", "./ledgerline consume \"my topic\" --from time:2026-12-03T08:00:00Z"))
                .extracting(Invocation::args).containsExactly(List.of("consume", "my topic", "--from", "time:2026-12-03T08:00:00Z"));
    }

    @Test
    void anInvocationOfACommandThatDoesNotExistIsCaught() {
        CommandLine cl = LedgerlineCli.commandLine();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cl.parseArgs("topics", "rename", "a", "b"))
                .isInstanceOf(ParameterException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerlineCli.commandLine().parseArgs("consume", "t", "--form", "end"))
                .isInstanceOf(ParameterException.class);
    }
}
