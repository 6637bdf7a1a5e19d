package io.streamkit.hls;

import io.streamkit.core.protection.ContentKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a segmented title in its staging directory, before it is packaged and published: every media segment of
 * every media playlist (each video rendition and the fMP4 audio rendition), either whole with AES-128-CBC and PKCS#7
 * padding ({@code METHOD=AES-128}, RFC 8216 section 5.2) or sample by sample with Common Encryption {@code 'cbcs'}
 * ({@code METHOD=SAMPLE-AES}, fMP4 only, see {@link CbcsEncryptor}), then adds to each playlist the
 * {@code EXT-X-KEY} tags (section 4.3.2.4) that say which key decrypts which segment.
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
 * {@code IV} attribute if it were encrypted with AES-128. The segmenter writes {@code EXT-X-MAP} before the first
 * segment's {@code EXTINF}, and each tag is inserted right before an {@code EXTINF}, so no {@code EXT-X-KEY} applies
 * to it (section 4.3.2.4). With {@code 'cbcs'} the init segment is not encrypted either: it only declares the scheme
 * and the default key id ({@code tenc}).
 *
 * <p>{@code SAMPLE-AES} tags carry {@code KEYFORMAT="identity"} (the key URI answers the key itself, section 5.1) and
 * the run's constant IV as {@code IV}: a {@code 'cbcs'} decryptor takes the IV from the {@code tenc} or
 * {@code 'seig'} box (ISO/IEC 23001-7 section 10.4.1), and the tag states the same 128 bits for players that read it
 * there. One random constant IV serves every key of a title: {@code 'cbcs'} reuses it for every sample of a key by
 * design (a key and IV pair must not repeat across different data only in CTR modes), and a decryptor that ignores
 * {@code 'seig'} groups, such as FFmpeg's, still finds the IV of a rotated key in the {@code tenc}.
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

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SegmentEncryption.Method method;
  private final int rotationSegments;
  private final JobControl control;
  private final Cipher cipher;
  private final List<ContentKey> keys = new ArrayList<>();
  /** {@code 'cbcs'}: the constant IV of every key of the title. */
  private final byte[] constantIv = new byte[IV_BYTES];

  private SegmentEncryptor(SegmentEncryption encryption, JobControl control) {
    this.method = encryption.method();
    this.rotationSegments = encryption.rotationSegments();
    RANDOM.nextBytes(constantIv);
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
  static List<ContentKey> encrypt(TranscodePipeline.Encoded encoded, SegmentEncryption encryption,
      JobControl control) {
    SegmentEncryptor encryptor = new SegmentEncryptor(encryption, control);
    for (TranscodePipeline.EncodedVideo video : encoded.video()) {
      encryptor.encryptPlaylist(video.directory().resolve(HlsSegmenter.PLAYLIST));
    }
    for (TranscodePipeline.EncodedAudio audio : encoded.audio()) {
      encryptor.encryptPlaylist(audio.directory().resolve(HlsSegmenter.PLAYLIST));
    }
    return List.copyOf(encryptor.keys);
  }

  private void encryptPlaylist(Path file) {
    MediaPlaylist playlist = MediaPlaylist.read(file);
    CbcsEncryptor cbcs = method == SegmentEncryption.Method.SAMPLE_AES
        ? CbcsEncryptor.protectInit(file.resolveSibling(playlist.mapUri()), keyFor(0), constantIv) : null;
    for (int i = 0; i < playlist.segments().size(); i++) {
      if (control.cancelled()) {
        throw new CancellationException("transcode cancelled while encrypting " + file.getParent());
      }
      Path segment = file.resolveSibling(playlist.segments().get(i).uri());
      if (cbcs != null) {
        cbcs.encryptSegment(segment, keyFor(i));
      } else {
        encryptSegment(segment, keyFor(i), playlist.mediaSequence() + i);
      }
    }
    List<String> tagged = new ArrayList<>();
    int segment = 0;
    for (String line : lines(file)) {
      if (line.startsWith("#EXTINF:")) {
        if (segment % rotationSegments == 0) {
          tagged.add(keyTag(segment));
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

  /** The {@code EXT-X-KEY} tag that opens the run of segment {@code index}. */
  private String keyTag(int index) {
    String uri = "URI=\"" + KEY_URI_PREFIX + keyFor(index).id() + "\"";
    return method == SegmentEncryption.Method.AES_128 ? "#EXT-X-KEY:METHOD=AES-128," + uri
        : "#EXT-X-KEY:METHOD=SAMPLE-AES," + uri + ",KEYFORMAT=\"identity\",IV=0x"
            + HexFormat.of().formatHex(constantIv);
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
        OutputStream out = new CipherOutputStream(new BufferedOutputStream(Files.newOutputStream(partial),
            LargeFolioWrite.WRITE_BYTES), cipher)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new TranscodeException("cannot encrypt segment " + segment + ": " + e.getMessage(), e);
    }
    replace(partial, segment);
  }

  /** Puts a complete encrypted copy in the place of its clear original. */
  static void replace(Path partial, Path segment) {
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
