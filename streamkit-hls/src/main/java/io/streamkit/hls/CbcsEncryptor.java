package io.streamkit.hls;

import io.streamkit.core.protection.ContentKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Common Encryption with the {@code 'cbcs'} scheme (ISO/IEC 23001-7, 3rd edition, section 10.4) of one fMP4 media
 * playlist's init segment and media segments, in place: what HLS {@code METHOD=SAMPLE-AES} means for fMP4 (RFC 8216
 * section 4.3.2.4) and what FairPlay, Widevine and PlayReady licence servers accept for CMAF. Only the samples'
 * payload is encrypted, so every size and offset of the segment stays valid and no track can be decoded without the
 * key.
 *
 * <p>Init segment (section 8): each track's sample entry {@code avc1}/{@code mp4a} becomes {@code encv}/{@code enca}
 * with a {@code sinf} box: {@code frma} (the original format), {@code schm} ({@code 'cbcs'}, version 1.0) and
 * {@code schi/tenc} version 1 with the title's first key as {@code default_KID}, no per-sample IV and a constant IV
 * (section 10.4.1 requires constant IVs for {@code 'cbcs'}). No {@code pssh}: no DRM system is named here.
 *
 * <p>Samples (section 10.4.2): AVC video is encrypted per NAL unit, with the 1:9 pattern (one 16-byte block encrypted,
 * nine clear); each NAL unit's length prefix and the first {@value #CLEAR_NAL_BYTES} bytes of a slice NAL unit (its
 * header and slice header, which section 10.4.2 keeps clear; the slice header is not parsed, 32 bytes is the clear
 * lead of Apple's H.264 SAMPLE-AES and holds typical slice headers) stay clear, as do whole non-slice NAL units (SPS,
 * PPS, SEI). The protected
 * range of each subsample is a whole number of blocks ending at the end of the NAL unit, the remainder added to its
 * clear bytes. The CBC chain restarts from the constant IV at every subsample and runs through the encrypted blocks
 * only (section 10.4.2). Audio is encrypted whole-block ({@code crypt_byte_block = skip_byte_block = 0}, section 10.4.1:
 * no pattern for tracks other than video), a partial last block left clear, and needs no subsample map.
 *
 * <p>Each video {@code traf} gets a {@code senc} box with the subsample map (no IVs: constant IV), and the
 * {@code saiz}/{@code saio} boxes that locate it (ISO/IEC 14496-12 section 8.7.8/8.7.9, offsets relative to the
 * {@code moof} as default-base-is-moof sets). The {@code moof} grows by those boxes, so every {@code trun}
 * {@code data_offset} and the {@code sidx} reference sizes grow with it; {@code mdat} keeps its size.
 *
 * <p>Key rotation (section 9, ISO/IEC 14496-12 section 8.9): a segment encrypted with a key other than the
 * {@code tenc} default carries, in each {@code traf}, a {@code sgpd} box with one {@code 'seig'} entry (its KID and
 * the constant IV) and a {@code sbgp} box mapping all the fragment's samples to it. Every key of a title uses the
 * same constant IV (see {@link SegmentEncryptor}), so a decryptor that ignores sample groups only needs the key.
 */
final class CbcsEncryptor {

  /** Bytes of each slice NAL unit left clear after its length prefix: its header and (typically) slice header. */
  static final int CLEAR_NAL_BYTES = 32;
  /** One AES block. */
  static final int BLOCK = 16;
  /** Video pattern (section 10.4.2): one block encrypted, nine clear. */
  static final int VIDEO_CRYPT_BLOCKS = 1;
  static final int VIDEO_SKIP_BLOCKS = 9;
  /** ISO/IEC 14496-12 section 8.9.4: group description indexes above this refer to the fragment's own sgpd. */
  private static final int FRAGMENT_LOCAL_GROUP = 0x10000;
  private static final int TFHD_BASE_DATA_OFFSET = 0x1;
  private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
  /** The senc flag saying each entry has a subsample map (23001-7 section 7.2.2). */
  private static final int SENC_USE_SUBSAMPLES = 0x2;
  private static final int MAX_CLEAR_BYTES = 0xffff;
  private static final String SUFFIX = ".encrypting";

  /** One track of the init segment. */
  private record Track(boolean video, int nalLengthSize, long defaultSampleSize) {}

  private final Map<Integer, Track> tracks;
  private final ContentKey defaultKey;
  private final byte[] constantIv;
  private final Cipher cipher;

  private CbcsEncryptor(Map<Integer, Track> tracks, ContentKey defaultKey, byte[] constantIv) {
    this.tracks = tracks;
    this.defaultKey = defaultKey;
    this.constantIv = constantIv.clone();
    try {
      this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CBC/NoPadding is missing from this Java runtime, which must provide it", e);
    }
  }

  /**
   * Protects the init segment in place and returns the encryptor of the segments that follow it.
   *
   * @param defaultKey the key of the segments that carry no {@code 'seig'} group: the title's first key
   * @param constantIv the IV of every key, 16 bytes
   */
  static CbcsEncryptor protectInit(Path init, ContentKey defaultKey, byte[] constantIv) {
    byte[] bytes = read(init);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int moov = find(in, 0, bytes.length, "moov", init);
    Map<Integer, Long> trexSizes = new HashMap<>();
    List<int[]> chains = new ArrayList<>();
    Map<Integer, Track> tracks = new HashMap<>();
    List<byte[]> inserts = new ArrayList<>();
    List<String> protectedFormats = new ArrayList<>();
    for (int child = moov + 8; child < end(in, moov); child = end(in, child)) {
      if (type(in, child).equals("mvex")) {
        for (int trex = child + 8; trex < end(in, child); trex = end(in, trex)) {
          if (type(in, trex).equals("trex")) {
            trexSizes.put(in.getInt(trex + 12), Integer.toUnsignedLong(in.getInt(trex + 24)));
          }
        }
      }
    }
    for (int trak = moov + 8; trak < end(in, moov); trak = end(in, trak)) {
      if (!type(in, trak).equals("trak")) {
        continue;
      }
      int tkhd = find(in, trak + 8, end(in, trak), "tkhd", init);
      int trackId = in.getInt(tkhd + (in.get(tkhd + 8) == 1 ? 28 : 20));
      int mdia = find(in, trak + 8, end(in, trak), "mdia", init);
      int minf = find(in, mdia + 8, end(in, mdia), "minf", init);
      int stbl = find(in, minf + 8, end(in, minf), "stbl", init);
      int stsd = find(in, stbl + 8, end(in, stbl), "stsd", init);
      if (in.getInt(stsd + 12) != 1) {
        throw unexpected(init, "track " + trackId + " has " + in.getInt(stsd + 12) + " sample entries, not 1");
      }
      int entry = stsd + 16;
      String format = type(in, entry);
      boolean video = format.equals("avc1");
      if (!video && !format.equals("mp4a")) {
        throw unexpected(init, "track " + trackId + " is " + format + ", not avc1 or mp4a");
      }
      int nalLengthSize = 0;
      if (video) {
        int avcC = find(in, entry + 86, end(in, entry), "avcC", init);
        nalLengthSize = (in.get(avcC + 12) & 0x3) + 1;
      }
      tracks.put(trackId, new Track(video, nalLengthSize, trexSizes.getOrDefault(trackId, -1L)));
      chains.add(new int[] {moov, trak, mdia, minf, stbl, stsd, entry});
      inserts.add(sinf(format, video, defaultKey, constantIv));
      protectedFormats.add(video ? "encv" : "enca");
    }
    if (tracks.isEmpty()) {
      throw unexpected(init, "no track");
    }
    // Insert from the last track back, so the offsets of the boxes before each insertion stay valid.
    byte[] out = bytes;
    for (int t = chains.size() - 1; t >= 0; t--) {
      int[] chain = chains.get(t);
      int entry = chain[chain.length - 1];
      byte[] sinf = inserts.get(t);
      ByteBuffer buffer = ByteBuffer.wrap(out);
      int at = end(buffer, entry);
      for (int box : chain) {
        buffer.putInt(box, buffer.getInt(box) + sinf.length);
      }
      buffer.put(entry + 4, ascii(protectedFormats.get(t)));
      byte[] grown = new byte[out.length + sinf.length];
      System.arraycopy(out, 0, grown, 0, at);
      System.arraycopy(sinf, 0, grown, at, sinf.length);
      System.arraycopy(out, at, grown, at + sinf.length, out.length - at);
      out = grown;
    }
    replace(init, out);
    return new CbcsEncryptor(Map.copyOf(tracks), defaultKey, constantIv);
  }

  /**
   * Encrypts every sample of a media segment of this init segment's tracks in place.
   *
   * @param key the key of the segment's run; a {@code 'seig'} group names it unless it is the default key
   */
  void encryptSegment(Path segment, ContentKey key) {
    byte[] bytes = read(segment);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 4096);
    Map<Integer, Integer> growthAt = new HashMap<>();
    int sidx = -1;
    int sidxOut = -1;
    for (int box = 0; box < bytes.length; box = end(in, box)) {
      String type = type(in, box);
      if (type.equals("moof")) {
        byte[] moof = encryptFragment(segment, in, box, key);
        growthAt.put(box, moof.length - in.getInt(box));
        out.writeBytes(moof);
      } else {
        if (type.equals("sidx")) {
          sidx = box;
          sidxOut = out.size();
        }
        out.write(bytes, box, end(in, box) - box);
      }
    }
    byte[] result = out.toByteArray();
    if (sidx >= 0) {
      growSidxReferences(segment, in, sidx, ByteBuffer.wrap(result), sidxOut, growthAt);
    }
    replace(segment, result);
  }

  /** Encrypts the samples of one {@code moof} (in {@code in}'s mdat) and returns the grown {@code moof}. */
  private byte[] encryptFragment(Path segment, ByteBuffer in, int moof, ContentKey key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[8]);
    List<Integer> dataOffsetFields = new ArrayList<>();
    List<Integer> saioFields = new ArrayList<>();
    List<Integer> sencEntries = new ArrayList<>();
    for (int child = moof + 8; child < end(in, moof); child = end(in, child)) {
      if (!type(in, child).equals("traf")) {
        out.write(in.array(), child, end(in, child) - child);
        continue;
      }
      int trafOut = out.size();
      out.writeBytes(new byte[8]);
      Track track = null;
      long defaultSize = -1;
      List<Integer> sampleStarts = new ArrayList<>();
      List<Integer> sampleSizes = new ArrayList<>();
      for (int box = child + 8; box < end(in, child); box = end(in, box)) {
        String type = type(in, box);
        int flags = in.getInt(box + 8) & 0xffffff;
        if (type.equals("tfhd")) {
          int trackId = in.getInt(box + 12);
          track = tracks.get(trackId);
          if (track == null) {
            throw unexpected(segment, "track " + trackId + " is not in the init segment");
          }
          if ((flags & TFHD_BASE_DATA_OFFSET) != 0 || (flags & TFHD_DEFAULT_BASE_IS_MOOF) == 0) {
            throw unexpected(segment, "track fragment is not default-base-is-moof");
          }
          int field = box + 16 + ((flags & 0x2) != 0 ? 4 : 0) + ((flags & 0x8) != 0 ? 4 : 0);
          defaultSize = (flags & 0x10) != 0 ? Integer.toUnsignedLong(in.getInt(field)) : track.defaultSampleSize();
        } else if (type.equals("trun")) {
          if (track == null || (flags & 0x1) == 0) {
            throw unexpected(segment, "trun without tfhd or data offset");
          }
          dataOffsetFields.add(out.size() + 16);
          int count = in.getInt(box + 12);
          int position = moof + in.getInt(box + 16);
          int field = box + 20 + ((flags & 0x4) != 0 ? 4 : 0);
          for (int s = 0; s < count; s++) {
            field += (flags & 0x100) != 0 ? 4 : 0;
            long size = defaultSize;
            if ((flags & 0x200) != 0) {
              size = Integer.toUnsignedLong(in.getInt(field));
              field += 4;
            }
            field += ((flags & 0x400) != 0 ? 4 : 0) + ((flags & 0x800) != 0 ? 4 : 0);
            if (size < 0 || position + size > in.limit()) {
              throw unexpected(segment, "sample " + s + " lies outside the segment");
            }
            sampleStarts.add(position);
            sampleSizes.add((int) size);
            position += (int) size;
          }
        } else if (type.equals("senc") || type.equals("saiz") || type.equals("saio") || type.equals("sbgp")
            || type.equals("sgpd")) {
          throw unexpected(segment, "it is already encrypted or grouped (" + type + ")");
        }
        out.write(in.array(), box, end(in, box) - box);
      }
      if (track == null) {
        throw unexpected(segment, "traf without tfhd");
      }
      if (!key.id().equals(defaultKey.id())) {
        out.writeBytes(seigGroup(track.video(), sampleStarts.size(), key, constantIv));
      }
      List<int[]> subsamples = new ArrayList<>();
      for (int s = 0; s < sampleStarts.size(); s++) {
        subsamples.add(track.video()
            ? encryptVideoSample(segment, in.array(), sampleStarts.get(s), sampleSizes.get(s), track.nalLengthSize(),
                key)
            : encryptAudioSample(in.array(), sampleStarts.get(s), sampleSizes.get(s), key));
      }
      if (track.video() && !subsamples.isEmpty()) {
        out.writeBytes(saiz(segment, subsamples));
        saioFields.add(out.size() + 12);
        out.writeBytes(fullBox("saio", 0, 0, 8));
        int sencStart = out.size();
        out.writeBytes(senc(subsamples));
        sencEntries.add(sencStart + 16);
      }
      int trafSize = out.size() - trafOut;
      byte[] partial = out.toByteArray();
      ByteBuffer.wrap(partial).putInt(trafOut, trafSize).put(trafOut + 4, ascii("traf"));
      out.reset();
      out.writeBytes(partial);
    }
    byte[] result = out.toByteArray();
    ByteBuffer buffer = ByteBuffer.wrap(result);
    buffer.putInt(0, result.length).put(4, ascii("moof"));
    int growth = result.length - in.getInt(moof);
    for (int field : dataOffsetFields) {
      buffer.putInt(field, buffer.getInt(field) + growth);
    }
    for (int i = 0; i < saioFields.size(); i++) {
      // saio version 0 with one entry: the offset, from the moof, of the first sample's auxiliary information.
      buffer.putInt(saioFields.get(i), 1).putInt(saioFields.get(i) + 4, sencEntries.get(i));
    }
    return result;
  }

  /**
   * Encrypts one length-prefixed AVC sample in place; returns its subsample map as alternating clear and protected
   * byte counts covering the whole sample.
   */
  private int[] encryptVideoSample(Path segment, byte[] data, int start, int size, int lengthSize, ContentKey key) {
    List<Integer> map = new ArrayList<>();
    long clear = 0;
    int position = start;
    int end = start + size;
    while (position < end) {
      if (position + lengthSize > end) {
        throw unexpected(segment, "a NAL unit length runs past its sample");
      }
      long nalSize = 0;
      for (int i = 0; i < lengthSize; i++) {
        nalSize = nalSize << 8 | data[position + i] & 0xff;
      }
      int nal = position + lengthSize;
      if (nalSize == 0 || nal + nalSize > end) {
        throw unexpected(segment, "a NAL unit runs past its sample");
      }
      int nalType = data[nal] & 0x1f;
      boolean slice = nalType == 1 || nalType == 5;
      long protectedBytes = slice ? Math.max(0, nalSize - CLEAR_NAL_BYTES) / BLOCK * BLOCK : 0;
      clear += nalSize + lengthSize - protectedBytes;
      if (protectedBytes > 0) {
        int encrypted = (int) (nal + nalSize - protectedBytes);
        encryptPattern(data, encrypted, (int) protectedBytes, VIDEO_CRYPT_BLOCKS, VIDEO_SKIP_BLOCKS, key);
        for (; clear > MAX_CLEAR_BYTES; clear -= MAX_CLEAR_BYTES) {
          map.add(MAX_CLEAR_BYTES);
          map.add(0);
        }
        map.add((int) clear);
        map.add((int) protectedBytes);
        clear = 0;
      }
      position = (int) (nal + nalSize);
    }
    for (; clear > 0; clear -= Math.min(clear, MAX_CLEAR_BYTES)) {
      map.add((int) Math.min(clear, MAX_CLEAR_BYTES));
      map.add(0);
    }
    return map.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whole-block encryption of an audio sample in place; it has no subsample map. */
  private int[] encryptAudioSample(byte[] data, int start, int size, ContentKey key) {
    encryptPattern(data, start, size / BLOCK * BLOCK, 0, 0, key);
    return new int[0];
  }

  /**
   * CBC from the constant IV over {@code crypt} of every {@code crypt + skip} blocks of {@code length} bytes (all of
   * them when both are 0), the chain continuing across the skipped blocks; a partial last block stays clear.
   */
  private void encryptPattern(byte[] data, int start, int length, int crypt, int skip, ContentKey key) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.key(), "AES"), new IvParameterSpec(constantIv));
      int blocks = length / BLOCK;
      if (crypt == 0 && skip == 0) {
        cipher.update(data, start, blocks * BLOCK, data, start);
      } else {
        for (int block = 0; block + crypt <= blocks; block += crypt + skip) {
          int at = start + block * BLOCK;
          cipher.update(data, at, crypt * BLOCK, data, at);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128-CBC refused a 16-byte key", e);
    }
  }

  /** The {@code sinf} box of a track (section 8.12). */
  private static byte[] sinf(String format, boolean video, ContentKey key, byte[] constantIv) {
    byte[] frma = box("frma", ascii(format));
    byte[] schm = fullBox("schm", 0, 0, 8);
    ByteBuffer.wrap(schm).put(12, ascii("cbcs")).putInt(16, 0x00010000);
    ByteBuffer tenc = ByteBuffer.allocate(4 + 16 + 1 + constantIv.length);
    tenc.put((byte) 0).put(pattern(video)).put((byte) 1).put((byte) 0).put(HexFormat.of().parseHex(key.id()))
        .put((byte) constantIv.length).put(constantIv);
    byte[] tencBox = withHeader("tenc", 1, 0, tenc.array());
    return box("sinf", concat(frma, schm, box("schi", tencBox)));
  }

  /** A {@code sgpd} with one {@code 'seig'} entry (section 9.1) and a {@code sbgp} giving it every sample. */
  private static byte[] seigGroup(boolean video, int samples, ContentKey key, byte[] constantIv) {
    ByteBuffer entry = ByteBuffer.allocate(4 + 16 + 1 + constantIv.length);
    entry.put((byte) 0).put(pattern(video)).put((byte) 1).put((byte) 0).put(HexFormat.of().parseHex(key.id()))
        .put((byte) constantIv.length).put(constantIv);
    ByteBuffer sgpd = ByteBuffer.allocate(12 + entry.capacity());
    sgpd.put(ascii("seig")).putInt(entry.capacity()).putInt(1).put(entry.array());
    ByteBuffer sbgp = ByteBuffer.allocate(16);
    sbgp.put(ascii("seig")).putInt(1).putInt(samples).putInt(FRAGMENT_LOCAL_GROUP + 1);
    return concat(withHeader("sbgp", 0, 0, sbgp.array()), withHeader("sgpd", 1, 0, sgpd.array()));
  }

  private static byte pattern(boolean video) {
    return (byte) (video ? VIDEO_CRYPT_BLOCKS << 4 | VIDEO_SKIP_BLOCKS : 0);
  }

  /** {@code saiz} (ISO/IEC 14496-12 section 8.7.8): each sample's auxiliary information is its senc entry. */
  private static byte[] saiz(Path segment, List<int[]> subsamples) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int first = entrySize(segment, subsamples.get(0));
    boolean same = subsamples.stream().allMatch(s -> entrySize(segment, s) == first);
    body.write(same ? first : 0);
    body.writeBytes(ByteBuffer.allocate(4).putInt(subsamples.size()).array());
    if (!same) {
      subsamples.forEach(s -> body.write(entrySize(segment, s)));
    }
    return withHeader("saiz", 0, 0, body.toByteArray());
  }

  private static int entrySize(Path segment, int[] map) {
    int size = 2 + map.length / 2 * 6;
    if (size > 0xff) {
      throw unexpected(segment, "a sample has more than 42 subsamples");
    }
    return size;
  }

  /** {@code senc} (23001-7 section 7.2): per sample, its subsample count and clear/protected byte counts. */
  private static byte[] senc(List<int[]> subsamples) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteBuffer word = ByteBuffer.allocate(4);
    body.writeBytes(word.putInt(0, subsamples.size()).array());
    for (int[] map : subsamples) {
      body.writeBytes(ByteBuffer.allocate(2).putShort((short) (map.length / 2)).array());
      for (int i = 0; i < map.length; i += 2) {
        body.writeBytes(ByteBuffer.allocate(6).putShort((short) map[i]).putInt(map[i + 1]).array());
      }
    }
    return withHeader("senc", 0, SENC_USE_SUBSAMPLES, body.toByteArray());
  }

  /**
   * ISO/IEC 14496-12 section 8.16.3: each reference's size spans the subsegment's boxes, so it grows by the growth of
   * the {@code moof} boxes inside it.
   */
  private static void growSidxReferences(Path segment, ByteBuffer in, int sidx, ByteBuffer out, int sidxOut,
      Map<Integer, Integer> growthAt) {
    int version = in.get(sidx + 8);
    int field = sidx + 20;
    long firstOffset = version == 0 ? Integer.toUnsignedLong(in.getInt(field + 4)) : in.getLong(field + 8);
    field += version == 0 ? 8 : 16;
    int count = in.getShort(field + 2) & 0xffff;
    field += 4;
    long start = end(in, sidx) + firstOffset;
    for (int r = 0; r < count; r++, field += 12) {
      int reference = in.getInt(field);
      if (reference < 0) {
        throw unexpected(segment, "its sidx references another sidx");
      }
      long finish = start + reference;
      long from = start;
      int growth = growthAt.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() < finish)
          .mapToInt(Map.Entry::getValue).sum();
      out.putInt(sidxOut + (field - sidx), reference + growth);
      start = finish;
    }
  }

  private static int find(ByteBuffer in, int from, int to, String type, Path file) {
    for (int box = from; box < to; box = end(in, box)) {
      if (type(in, box).equals(type)) {
        return box;
      }
    }
    throw unexpected(file, "no " + type + " box");
  }

  /** The end of the box at {@code box}; 32-bit sizes only, as the segmenter writes them. */
  private static int end(ByteBuffer in, int box) {
    int size = in.getInt(box);
    if (size < 8 || box + (long) size > in.limit()) {
      throw new TranscodeException("cannot encrypt with cbcs: box " + type(in, box) + " at byte " + box
          + " has size " + Integer.toUnsignedLong(size) + "; the segmenter's output is damaged");
    }
    return box + size;
  }

  private static String type(ByteBuffer in, int box) {
    return new String(in.array(), box + 4, 4, StandardCharsets.US_ASCII);
  }

  private static byte[] ascii(String fourCc) {
    return fourCc.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] fullBox(String type, int version, int flags, int payloadBytes) {
    return withHeader(type, version, flags, new byte[payloadBytes]);
  }

  private static byte[] withHeader(String type, int version, int flags, byte[] payload) {
    return Fmp4Fragments.fullBox(type, version, flags, payload);
  }

  private static byte[] box(String type, byte[] payload) {
    return Fmp4Fragments.box(type, payload);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static TranscodeException unexpected(Path file, String what) {
    return new TranscodeException("cannot encrypt " + file + " with cbcs: " + what
        + "; the segmenter wrote an fMP4 layout this encryptor does not handle");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TranscodeException("cannot read " + file + " to encrypt it: " + e.getMessage(), e);
    }
  }

  private static void replace(Path file, byte[] bytes) {
    Path partial = file.resolveSibling(file.getFileName() + SUFFIX);
    try {
      LargeFolioWrite.write(partial, bytes);
    } catch (IOException e) {
      throw new TranscodeException("cannot encrypt " + file + ": " + e.getMessage(), e);
    }
    SegmentEncryptor.replace(partial, file);
  }
}
