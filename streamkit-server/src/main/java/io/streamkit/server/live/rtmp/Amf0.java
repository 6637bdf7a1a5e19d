package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of AMF0 (Adobe "Action Message Format — AMF 0", 2007) that RTMP commands use, read from and written to
 * a {@link ByteBuf}.
 *
 * <p>Values map to Java as: number (§2.2) → {@link Double}, boolean (§2.3) → {@link Boolean}, string and long string
 * (§2.4, §2.14) → {@link String}, object and ECMA array (§2.5, §2.10) → {@code Map<String, Object>} in arrival order,
 * strict array (§2.12) → {@code List<Object>}, date (§2.13) → {@link Double} milliseconds, null and undefined (§2.7,
 * §2.8) → {@link #NULL}. Anything else (references, XML, typed objects, AMF3 switches) is refused: no publisher sends
 * them in the commands this server reads. Bytes are untrusted, so every read is bounded by what the buffer holds and
 * nesting by {@link #MAX_DEPTH}; a malformed value is a {@link MalformedException}, never another exception.
 */
final class Amf0 {

  /** AMF0 null and undefined: a value, unlike a missing argument. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** The deepest nesting of objects and arrays read; a command needs two levels. */
  static final int MAX_DEPTH = 16;

  private static final int NUMBER = 0x00;
  private static final int BOOLEAN = 0x01;
  private static final int STRING = 0x02;
  private static final int OBJECT = 0x03;
  private static final int NULL_MARKER = 0x05;
  private static final int UNDEFINED = 0x06;
  private static final int ECMA_ARRAY = 0x08;
  private static final int OBJECT_END = 0x09;
  private static final int STRICT_ARRAY = 0x0A;
  private static final int DATE = 0x0B;
  private static final int LONG_STRING = 0x0C;

  /** Bytes that are not the AMF0 this reader accepts. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  private Amf0() {}

  /** Reads values until the buffer is empty, as a command message's body is laid out (RTMP spec §7.1.1). */
  static List<Object> readAll(ByteBuf in) throws MalformedException {
    List<Object> values = new ArrayList<>();
    while (in.isReadable()) {
      values.add(read(in, 0));
    }
    return values;
  }

  /** Reads one value. */
  static Object read(ByteBuf in) throws MalformedException {
    return read(in, 0);
  }

  private static Object read(ByteBuf in, int depth) throws MalformedException {
    if (depth > MAX_DEPTH) {
      throw new MalformedException("AMF0 values nested deeper than " + MAX_DEPTH);
    }
    need(in, 1);
    int marker = in.readUnsignedByte();
    switch (marker) {
      case NUMBER:
        need(in, 8);
        return in.readDouble();
      case BOOLEAN:
        need(in, 1);
        return in.readByte() != 0;
      case STRING:
        need(in, 2);
        return string(in, in.readUnsignedShort());
      case LONG_STRING:
        need(in, 4);
        return string(in, in.readUnsignedInt());
      case OBJECT:
        return properties(in, depth);
      case ECMA_ARRAY:
        // The count is only a hint (publishers are known to send 0); the end marker is what ends the array.
        need(in, 4);
        in.skipBytes(4);
        return properties(in, depth);
      case STRICT_ARRAY: {
        need(in, 4);
        long count = in.readUnsignedInt();
        if (count > in.readableBytes()) {
          throw new MalformedException("AMF0 strict array of " + count + " values in " + in.readableBytes() + " bytes");
        }
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
          list.add(read(in, depth + 1));
        }
        return list;
      }
      case DATE:
        need(in, 10);
        double millis = in.readDouble();
        in.skipBytes(2); // time zone, reserved and zero (§2.13)
        return millis;
      case NULL_MARKER:
      case UNDEFINED:
        return NULL;
      default:
        throw new MalformedException("unsupported AMF0 type marker 0x" + Integer.toHexString(marker));
    }
  }

  private static Map<String, Object> properties(ByteBuf in, int depth) throws MalformedException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (true) {
      need(in, 2);
      String name = string(in, in.readUnsignedShort());
      need(in, 1);
      if (name.isEmpty() && in.getUnsignedByte(in.readerIndex()) == OBJECT_END) {
        in.skipBytes(1);
        return map;
      }
      map.put(name, read(in, depth + 1));
    }
  }

  private static String string(ByteBuf in, long length) throws MalformedException {
    need(in, length);
    String value = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
    in.skipBytes((int) length);
    return value;
  }

  private static void need(ByteBuf in, long bytes) throws MalformedException {
    if (in.readableBytes() < bytes) {
      throw new MalformedException("AMF0 value cut short: needs " + bytes + " bytes, " + in.readableBytes() + " left");
    }
  }

  /** Writes values: {@link Number}, {@link Boolean}, {@link String}, {@code Map<String, ?>}, {@link #NULL}. */
  static void write(ByteBuf out, Object... values) {
    for (Object value : values) {
      writeValue(out, value);
    }
  }

  private static void writeValue(ByteBuf out, Object value) {
    if (value == NULL || value == null) {
      out.writeByte(NULL_MARKER);
    } else if (value instanceof Number number) {
      out.writeByte(NUMBER).writeDouble(number.doubleValue());
    } else if (value instanceof Boolean bool) {
      out.writeByte(BOOLEAN).writeByte(bool ? 1 : 0);
    } else if (value instanceof String string) {
      byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0xFFFF) {
        out.writeByte(LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
      } else {
        out.writeByte(STRING).writeShort(bytes.length).writeBytes(bytes);
      }
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(OBJECT);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        byte[] name = entry.getKey().toString().getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length).writeBytes(name);
        writeValue(out, entry.getValue());
      }
      out.writeShort(0).writeByte(OBJECT_END);
    } else {
      throw new IllegalArgumentException("no AMF0 form for " + value.getClass().getName());
    }
  }
}
