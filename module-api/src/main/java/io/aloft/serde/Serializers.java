package io.aloft.serde;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.HashSet;
import java.util.StringJoiner;

/**
 * The built-in serializers. Their binary formats (version 1, all stored in checkpoints) are:
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>serializer</th><th>bytes</th></tr>
 *   <tr><td>{@code boolean}</td><td>1 byte, 0 or 1</td></tr>
 *   <tr><td>{@code byte, short, char, int, long}</td><td>big-endian two's complement, 1/2/2/4/8 bytes</td></tr>
 *   <tr><td>{@code float, double}</td><td>IEEE 754 bits, big-endian, 4/8 bytes</td></tr>
 *   <tr><td>{@code string}</td><td>varint byte length, then UTF-8</td></tr>
 *   <tr><td>{@code bytes}</td><td>varint length, then the bytes</td></tr>
 *   <tr><td>{@code list<E>}</td><td>varint count, then each element</td></tr>
 *   <tr><td>{@code map<K,V>}</td><td>varint count, then key and value of each entry, in iteration order</td></tr>
 *   <tr><td>{@code record}</td><td>each component in declaration order; a component of reference type is
 *       preceded by a presence byte (0 = null, 1 = present); primitive components have none</td></tr>
 *   <tr><td>{@code enum}</td><td>the constant's name as a {@code string}</td></tr>
 * </table>
 *
 * <p>A varint is an unsigned LEB128 integer: 7 bits per byte, low groups first, high bit set on all but
 * the last byte.
 */
public final class Serializers {
  private Serializers() {}

  public static final Serializer<Boolean> BOOLEAN =
      of("boolean", (v, out) -> out.writeBoolean(v), DataInput::readBoolean);
  public static final Serializer<Byte> BYTE =
      of("byte", (v, out) -> out.writeByte(v), DataInput::readByte);
  public static final Serializer<Short> SHORT =
      of("short", (v, out) -> out.writeShort(v), DataInput::readShort);
  public static final Serializer<Character> CHAR =
      of("char", (v, out) -> out.writeChar(v), DataInput::readChar);
  public static final Serializer<Integer> INT =
      of("int", (v, out) -> out.writeInt(v), DataInput::readInt);
  public static final Serializer<Long> LONG =
      of("long", (v, out) -> out.writeLong(v), DataInput::readLong);
  public static final Serializer<Float> FLOAT =
      of("float", (v, out) -> out.writeFloat(v), DataInput::readFloat);
  public static final Serializer<Double> DOUBLE =
      of("double", (v, out) -> out.writeDouble(v), DataInput::readDouble);
  public static final Serializer<String> STRING =
      of(
          "string",
          (v, out) -> writeBytes(v.getBytes(StandardCharsets.UTF_8), out),
          in -> new String(readBytes(in), StandardCharsets.UTF_8));
  public static final Serializer<byte[]> BYTES = of("bytes", Serializers::writeBytes, Serializers::readBytes);

  /** A list of elements, each written by {@code element}; null elements are rejected. */
  public static <E> Serializer<List<E>> list(Serializer<E> element) {
    Objects.requireNonNull(element, "element");
    return of(
        "list<" + element.identifier() + "@" + element.version() + ">",
        (v, out) -> {
          writeVarInt(v.size(), out);
          for (E e : v) {
            element.serialize(Objects.requireNonNull(e, "list element"), out);
          }
        },
        in -> {
          int n = readVarInt(in);
          List<E> result = new ArrayList<>(Math.min(n, 1 << 16));
          for (int i = 0; i < n; i++) {
            result.add(element.deserialize(in));
          }
          return result;
        });
  }

  /** A map; deserialized as a {@link LinkedHashMap} in the stored order. Null keys and values are rejected. */
  public static <K, V> Serializer<Map<K, V>> map(Serializer<K> key, Serializer<V> value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return of(
        "map<" + key.identifier() + "@" + key.version() + "," + value.identifier() + "@"
            + value.version() + ">",
        (v, out) -> {
          writeVarInt(v.size(), out);
          for (Map.Entry<K, V> e : v.entrySet()) {
            key.serialize(Objects.requireNonNull(e.getKey(), "map key"), out);
            value.serialize(Objects.requireNonNull(e.getValue(), "map value"), out);
          }
        },
        in -> {
          int n = readVarInt(in);
          Map<K, V> result = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            K k = key.deserialize(in);
            result.put(k, value.deserialize(in));
          }
          return result;
        });
  }

  /** An enum, stored by constant name so that reordering constants keeps old state readable. */
  public static <E extends Enum<E>> Serializer<E> enumOf(Class<E> type) {
    Objects.requireNonNull(type, "type");
    return of(
        "enum:" + type.getName(),
        (v, out) -> STRING.serialize(v.name(), out),
        in -> {
          String name = STRING.deserialize(in);
          try {
            return Enum.valueOf(type, name);
          } catch (IllegalArgumentException e) {
            throw new SerializationException(
                "stored constant '" + name + "' does not exist in enum " + type.getName(), e);
          }
        });
  }

  /**
   * A serializer for a Java record whose class is accessible to this module (public, in a package the
   * application exports or opens, or on the class path). For records in packages that are not
   * exported, use {@link #record(Class, MethodHandles.Lookup)} with the application's own lookup.
   */
  public static <R extends Record> Serializer<R> record(Class<R> type) {
    return record(type, MethodHandles.publicLookup());
  }

  /**
   * A serializer for a Java record, reflecting through {@code lookup} (pass
   * {@code MethodHandles.lookup()} from the record's own module). Components may be primitives, boxes,
   * {@code String}, {@code byte[]}, enums, records, {@code List} and {@code Map} of those.
   *
   * @throws IllegalArgumentException if a component has a type with no built-in serializer
   */
  public static <R extends Record> Serializer<R> record(Class<R> type, MethodHandles.Lookup lookup) {
    return new RecordSerializer<>(type, lookup, new HashSet<>());
  }

  /** The built-in serializer for a record component of {@code type}. */
  private static Serializer<?> forType(
      Type type, MethodHandles.Lookup lookup, String where, Set<Class<?>> enclosing) {
    if (type instanceof Class<?> c) {
      if (c == boolean.class || c == Boolean.class) return BOOLEAN;
      if (c == byte.class || c == Byte.class) return BYTE;
      if (c == short.class || c == Short.class) return SHORT;
      if (c == char.class || c == Character.class) return CHAR;
      if (c == int.class || c == Integer.class) return INT;
      if (c == long.class || c == Long.class) return LONG;
      if (c == float.class || c == Float.class) return FLOAT;
      if (c == double.class || c == Double.class) return DOUBLE;
      if (c == String.class) return STRING;
      if (c == byte[].class) return BYTES;
      if (c.isEnum()) return enumOfUnchecked(c);
      if (c.isRecord()) return recordUnchecked(c, lookup, where, enclosing);
    } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class) {
        return list(forType(args[0], lookup, where + "<element>", enclosing));
      }
      if (raw == Map.class) {
        return map(
            forType(args[0], lookup, where + "<key>", enclosing),
            forType(args[1], lookup, where + "<value>", enclosing));
      }
    }
    throw new IllegalArgumentException(
        "no built-in serializer for " + type.getTypeName() + " (" + where
            + "); supported: primitives and boxes, String, byte[], enums, records, List, Map");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Serializer<?> enumOfUnchecked(Class<?> c) {
    return enumOf((Class) c);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Serializer<?> recordUnchecked(
      Class<?> c, MethodHandles.Lookup lookup, String where, Set<Class<?>> enclosing) {
    if (enclosing.contains(c)) {
      throw new IllegalArgumentException(
          "record " + c.getName() + " contains itself (" + where
              + "); recursive records need a hand-written serializer");
    }
    return new RecordSerializer(c, lookup, enclosing);
  }

  // --- varints and byte arrays: shared by the formats above -------------------------------------

  /** Writes {@code value} (non-negative) as an unsigned LEB128 varint. */
  public static void writeVarInt(int value, DataOutput out) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative: " + value);
    }
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** Reads an unsigned LEB128 varint of at most 5 bytes. */
  public static int readVarInt(DataInput in) throws IOException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        // The fifth byte carries bits 28..34; only 28..30 fit a non-negative int. Higher bits would
        // otherwise be shifted out silently and decode garbage.
        if (shift == 28 && b > 0x07) {
          throw new SerializationException("varint out of range: does not fit in 31 bits");
        }
        return result;
      }
    }
    throw new SerializationException("malformed varint: more than 5 bytes");
  }

  private static void writeBytes(byte[] v, DataOutput out) throws IOException {
    writeVarInt(v.length, out);
    out.write(v);
  }

  /** Lengths above this are read in growing chunks rather than allocated up front. */
  private static final int READ_CHUNK = 1 << 16;

  private static byte[] readBytes(DataInput in) throws IOException {
    int length = readVarInt(in); // never negative: readVarInt rejects what does not fit in 31 bits
    if (length <= READ_CHUNK) {
      byte[] b = new byte[length];
      in.readFully(b);
      return b;
    }
    // A damaged length must end in an EOFException at the end of the input, not in an attempt to
    // allocate up to 2 GiB first: grow the array as the bytes actually arrive.
    byte[] b = new byte[READ_CHUNK];
    int filled = 0;
    while (true) {
      in.readFully(b, filled, b.length - filled);
      filled = b.length;
      if (filled == length) {
        return b;
      }
      b = Arrays.copyOf(b, (int) Math.min(length, 2L * filled));
    }
  }

  // --- plumbing ------------------------------------------------------------------------------------

  private interface Writer<T> {
    void write(T value, DataOutput out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInput in) throws IOException;
  }

  private static <T> Serializer<T> of(String identifier, Writer<T> writer, Reader<T> reader) {
    return new Serializer<>() {
      @Override
      public void serialize(T value, DataOutput out) throws IOException {
        writer.write(value, out);
      }

      @Override
      public T deserialize(DataInput in) throws IOException {
        return reader.read(in);
      }

      @Override
      public String identifier() {
        return identifier;
      }

      @Override
      public String toString() {
        return "Serializer[" + identifier + "]";
      }
    };
  }

  /** Records: components in declaration order, reference components behind a presence byte. */
  private static final class RecordSerializer<R extends Record> implements Serializer<R> {
    private final Class<R> type;
    private final MethodHandle[] accessors;
    private final Serializer<Object>[] components;
    private final boolean[] primitive;
    private final MethodHandle constructor;
    private final String identifier;

    @SuppressWarnings("unchecked")
    /** @param enclosing the records whose serializers are being built around this one */
    RecordSerializer(Class<R> type, MethodHandles.Lookup lookup, Set<Class<?>> enclosing) {
      this.type = Objects.requireNonNull(type, "type");
      Objects.requireNonNull(lookup, "lookup");
      if (!type.isRecord()) {
        throw new IllegalArgumentException(type.getName() + " is not a record");
      }
      RecordComponent[] rc = type.getRecordComponents();
      accessors = new MethodHandle[rc.length];
      components = new Serializer[rc.length];
      primitive = new boolean[rc.length];
      Class<?>[] parameterTypes = new Class<?>[rc.length];
      StringJoiner id = new StringJoiner(",", "record:" + type.getName() + "(", ")");
      enclosing.add(type);
      try {
        for (int i = 0; i < rc.length; i++) {
          String where = type.getName() + "." + rc[i].getName();
          accessors[i] = lookup.unreflect(rc[i].getAccessor());
          components[i] =
              (Serializer<Object>) forType(rc[i].getGenericType(), lookup, where, enclosing);
          primitive[i] = rc[i].getType().isPrimitive();
          parameterTypes[i] = rc[i].getType();
          id.add(rc[i].getName() + ":" + components[i].identifier() + "@" + components[i].version());
        }
        constructor = lookup.findConstructor(type, MethodType.methodType(void.class, parameterTypes));
      } catch (IllegalAccessException | NoSuchMethodException e) {
        throw new IllegalArgumentException(
            "cannot access record " + type.getName()
                + ": make it public in an exported package, or pass MethodHandles.lookup() from its module",
            e);
      } finally {
        enclosing.remove(type);
      }
      identifier = id.toString();
    }

    @Override
    public void serialize(R value, DataOutput out) throws IOException {
      for (int i = 0; i < components.length; i++) {
        Object v = invoke(accessors[i], value);
        if (!primitive[i]) {
          out.writeBoolean(v != null);
          if (v == null) {
            continue;
          }
        }
        components[i].serialize(v, out);
      }
    }

    @Override
    public R deserialize(DataInput in) throws IOException {
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        if (primitive[i] || in.readBoolean()) {
          args[i] = components[i].deserialize(in);
        }
      }
      try {
        return type.cast(constructor.invokeWithArguments(args));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new SerializationException("cannot construct " + type.getName(), e);
      }
    }

    private Object invoke(MethodHandle accessor, R value) {
      try {
        return accessor.invoke(value);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new SerializationException("cannot read a component of " + type.getName(), e);
      }
    }

    @Override
    public String identifier() {
      return identifier;
    }

    @Override
    public String toString() {
      return "Serializer[" + identifier + "]";
    }
  }
}
