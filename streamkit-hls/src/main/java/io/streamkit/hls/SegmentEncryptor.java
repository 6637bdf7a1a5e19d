package io.streamkit.hls;

import io.streamkit.core.protection.ContentKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a segmented title in its staging directory, before it is packaged and published: every media segment of
 * every media playlist (each video rendition and the fMP4 audio rendition), whole, with AES-128-CBC and PKCS#7
 * padding ({@code METHOD=AES-128}, RFC 8216 section 5.2), then adds to each playlist the {@code EXT-X-KEY} tags
 * (section 4.3.2.4) that say which key decrypts which segment.
 *
 * <p>Keys rotate on the title's timeline: key {@code k} encrypts segments {@code kN} to {@code kN + N - 1} of every
 * rendition, so a player switching variants finds the key it already fetched (the renditions' segments are aligned).
 * A tag opens each run of {@code N} segments and applies until the next (section 4.3.2.4).
 *
 * <p>IV: the tags carry no {@code IV} attribute, so a player uses the segment's media sequence number as a 128-bit
 * big-endian integer (section 5.2); the segments are encrypted with exactly that, and no two segments of one playlist
 * share a key and an IV. Segments at the same position in different renditions do share both; CBC then reveals only
 * whether their first blocks are equal, which the fixed structure of segment headers shows anyway.
 *
 * <p>The fMP4 init segment ({@code EXT-X-MAP}) stays clear: it holds no media, and section 4.3.2.5 would require an
 * {@code IV} attribute if it were encrypted. The segmenter writes {@code EXT-X-MAP} before the first segment's
 * {@code EXTINF}, and each tag is inserted right before an {@code EXTINF}, so no {@code EXT-X-KEY} applies to it.
 *
 * <p>The key URI is relative to the media playlist, {@code ../keys/<id>}: the same path for every rendition, served
 * by the origin from its key store. The keys are returned, never written into the title.
 */
final class SegmentEncryptor {

  /** The JCA's name for AES-CBC with PKCS#7 padding (PKCS#5 padding defined on 16-byte blocks). */
  private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding";
  /** An IV is one AES block. */
  private static final int IV_BYTES = 16;
  private static final String KEY_URI_PREFIX = "../" + SegmentEncryption.KEY_DIRECTORY + "/";
  /** Suffix of the encrypted copy that replaces a segment once complete. */
  private static final String PARTIAL_SUFFIX = ".encrypting";

  private final int rotationSegments;
  private final JobControl control;
  private final Cipher cipher;
  private final List<ContentKey> keys = new ArrayList<>();

  private SegmentEncryptor(int rotationSegments, JobControl control) {
    this.rotationSegments = rotationSegments;
    this.control = control;
    try {
      this.cipher = Cipher.getInstance(TRANSFORMATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(TRANSFORMATION + " is missing from this Java runtime, which must provide it", e);
    }
  }

  /**
   * Encrypts every media playlist of {@code encoded} in place.
   *
   * @return the keys, key {@code k} encrypting the {@code k}-th run of {@code rotationSegments} segments
   * @throws CancellationException once {@link JobControl#cancelled()} is true
   */
  static List<ContentKey> encrypt(TranscodePipeline.Encoded encoded, int rotationSegments, JobControl control) {
    SegmentEncryptor encryptor = new SegmentEncryptor(rotationSegments, control);
    for (TranscodePipeline.EncodedVideo video : encoded.video()) {
      encryptor.encryptPlaylist(video.directory().resolve(HlsSegmenter.PLAYLIST));
    }
    if (encoded.audioDirectory() != null) {
      encryptor.encryptPlaylist(encoded.audioDirectory().resolve(HlsSegmenter.PLAYLIST));
    }
    return List.copyOf(encryptor.keys);
  }

  private void encryptPlaylist(Path file) {
    MediaPlaylist playlist = MediaPlaylist.read(file);
    for (int i = 0; i < playlist.segments().size(); i++) {
      if (control.cancelled()) {
        throw new CancellationException("transcode cancelled while encrypting " + file.getParent());
      }
      encryptSegment(file.resolveSibling(playlist.segments().get(i).uri()), keyFor(i),
          playlist.mediaSequence() + i);
    }
    List<String> tagged = new ArrayList<>();
    int segment = 0;
    for (String line : lines(file)) {
      if (line.startsWith("#EXTINF:")) {
        if (segment % rotationSegments == 0) {
          tagged.add("#EXT-X-KEY:METHOD=AES-128,URI=\"" + KEY_URI_PREFIX + keyFor(segment).id() + "\"");
        }
        segment++;
      }
      tagged.add(line);
    }
    try {
      Files.write(file, tagged);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write playlist " + file, e);
    }
  }

  /** The key of segment {@code index}'s run, made when a playlist first reaches that run. */
  private ContentKey keyFor(int index) {
    int run = index / rotationSegments;
    while (keys.size() <= run) {
      keys.add(ContentKey.generate());
    }
    return keys.get(run);
  }

  /** Streams the segment through the cipher into a sibling file, then puts that in its place. */
  private void encryptSegment(Path segment, ContentKey key, long mediaSequence) {
    Path partial = segment.resolveSibling(segment.getFileName() + PARTIAL_SUFFIX);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.key(), "AES"),
          new IvParameterSpec(ByteBuffer.allocate(IV_BYTES).putLong(IV_BYTES - Long.BYTES, mediaSequence).array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128 refused a 16-byte key for " + segment, e);
    }
    try (InputStream in = Files.newInputStream(segment);
        OutputStream out = new CipherOutputStream(Files.newOutputStream(partial), cipher)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new TranscodeException("cannot encrypt segment " + segment + ": " + e.getMessage(), e);
    }
    try {
      Files.move(partial, segment, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TranscodeException("cannot replace segment " + segment + " by its encrypted copy: " + e.getMessage(),
          e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read playlist " + file, e);
    }
  }
}
