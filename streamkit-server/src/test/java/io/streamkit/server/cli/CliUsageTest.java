package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code --help} and a forgotten option tell a user. */
class CliUsageTest {

  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StreamkitCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void theCommandListDescribesEachCommandInACompleteSentence() {
    String help = run("--help").out();
    List<String> entries = new ArrayList<>();
    for (String line : help.substring(help.indexOf("Commands:") + "Commands:".length()).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        entries.add(line.strip());
      } else if (!entries.isEmpty()) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      }
    }

    assertThat(entries).extracting(entry -> entry.split("\\s+")[0])
        .containsExactlyInAnyOrder("serve", "token", "transcode", "abr-sim", "demo", "rewrap-keys");
    assertThat(entries).allSatisfy(entry -> assertThat(entry).endsWith("."));
  }

  @Test
  void theSynopsisShowsRequiredOptionsAsRequired() {
    String serve = run("serve", "--help").out();
    String token = run("token", "--help").out();

    assertThat(serve).contains(" --data=DIR ").doesNotContain("[--data=DIR]");
    // A repeatable required option reads "--signing-key=KEY [--signing-key=KEY]...": the first is bare.
    assertThat(serve.charAt(serve.indexOf("--signing-key=KEY") - 1)).isEqualTo(' ');
    assertThat(token).contains(" --signing-key=KEY ").doesNotContain("[--signing-key=KEY]");
  }

  @Test
  void aMissingOptionIsOneLineNamingItsEnvironmentVariable() {
    Run nothing = run("serve");
    Run noKey = run("serve", "--data", "/srv/streamkit");

    assertThat(nothing.status()).isEqualTo(2);
    assertThat(nothing.err()).isEqualTo("serve: --data (or STREAMKIT_DATA), --signing-key (or STREAMKIT_SIGNING_KEY)"
        + " are required; see 'streamkit serve --help'\n");
    assertThat(noKey.err()).startsWith("serve: --signing-key (or STREAMKIT_SIGNING_KEY) is required: HS256 secret")
        .doesNotContain("hs256(").hasLineCount(1);
    assertThat(run("token", "--title", "t1").err())
        .startsWith("token: --signing-key (or STREAMKIT_SIGNING_KEY) is required: HS256 secret").hasLineCount(1);
  }

  @Test
  void aMistypedOptionIsOneLinePointingToHelp() {
    Run r = run("token", "--signing-key", "a-signing-secret-of-at-least-32-bytes", "--title", "t1", "--tll", "60");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("token: Unknown options: '--tll', '60'").endsWith("; see 'streamkit token --help'\n")
        .hasLineCount(1);
  }
}
