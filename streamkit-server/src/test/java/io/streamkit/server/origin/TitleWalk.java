package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays a whole title the way a player does: the master playlist, then every media playlist, then every URI they
 * name, checking that each carries the token and that every byte matches the title's files on disk.
 */
final class TitleWalk {

  private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]+)\"");

  private TitleWalk() {}

  /**
   * Walks {@code /titles/<title>/} on {@code origin} and compares each file with {@code <files>/<path>}.
   *
   * @return how many files other than the master playlist were fetched
   */
  static int walk(RunningOrigin origin, String title, String token, Path files) throws Exception {
    String base = "/titles/" + title + "/";
    HttpResponse<byte[]> master = origin.get(base + "master.m3u8?token=" + token);
    assertThat(master.statusCode()).isEqualTo(200);
    int fetched = 0;
    for (String mediaUri : uris(new String(master.body(), StandardCharsets.UTF_8))) {
      assertThat(mediaUri).endsWith("token=" + token);
      URI media = URI.create(base).resolve(mediaUri);
      HttpResponse<byte[]> playlist = origin.get(media.toString());
      assertThat(playlist.statusCode()).as(media.toString()).isEqualTo(200);
      fetched++;
      for (String fileUri : uris(new String(playlist.body(), StandardCharsets.UTF_8))) {
        assertThat(fileUri).endsWith("?token=" + token);
        URI file = media.resolve(fileUri);
        HttpResponse<byte[]> segment = origin.get(file.toString());
        assertThat(segment.statusCode()).as(file.toString()).isEqualTo(200);
        Path onDisk = files.resolve(file.getPath().substring(base.length()));
        assertThat(segment.body()).as(file.toString()).isEqualTo(Files.readAllBytes(onDisk));
        fetched++;
      }
    }
    return fetched;
  }

  /** The URIs of a playlist: lines that are not tags, and URI attributes of tags. */
  static List<String> uris(String playlist) {
    List<String> out = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (line.startsWith("#")) {
        Matcher m = URI_ATTRIBUTE.matcher(line);
        while (m.find()) {
          out.add(m.group(1));
        }
      } else if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    return out;
  }
}
