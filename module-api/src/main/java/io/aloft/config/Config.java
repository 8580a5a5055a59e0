package io.aloft.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * An immutable set of configuration entries with flat, dotted keys ({@code state.backend.forst.cache.dir}).
 *
 * <p>{@code config.yaml} may use flat keys, nested maps, or both:
 *
 * <pre>{@code
 * state.backend.type: forst
 * state:
 *   backend:
 *     forst:
 *       writebuffer.size: 64mb
 * }</pre>
 *
 * <p>Defining one key twice (flat and nested, say) is an error. Values are kept as text and parsed by
 * {@link #get(ConfigOption)}, which names the key when a value is malformed.
 */
public final class Config {
  private static final Config EMPTY = new Config(Map.of());

  private final Map<String, String> entries;

  private Config(Map<String, String> entries) {
    this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** The configuration with no entries: every option takes its default. */
  public static Config empty() {
    return EMPTY;
  }

  /** A configuration of flat keys; values are converted with {@code String.valueOf}. */
  public static Config of(Map<String, ?> entries) {
    Map<String, String> flat = new LinkedHashMap<>();
    entries.forEach((k, v) -> put(flat, Objects.requireNonNull(k, "key"), v, "map"));
    return new Config(flat);
  }

  /**
   * Loads {@code config.yaml}.
   *
   * @throws ConfigException if the file is missing, unreadable or malformed (the message names the file
   *     and, for malformed YAML, the line and column)
   */
  public static Config fromYaml(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(null, "Configuration file not found: " + file, e);
    } catch (IOException e) {
      throw new ConfigException(null, "Cannot read configuration file " + file + ": " + e, e);
    }
    return fromYaml(text, file.toString());
  }

  /**
   * Parses YAML text; {@code source} names it in error messages.
   *
   * @throws ConfigException if the text is malformed YAML or not a map of keys
   */
  public static Config fromYaml(String yaml, String source) {
    Object document;
    try {
      document = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(yaml);
    } catch (YamlEngineException e) {
      // Only where and what: the parser's own message quotes the offending line, which may hold a
      // secret, so neither it nor the exception is kept.
      throw new ConfigException(null, "Malformed YAML in " + source + where(e) + ": " + problem(e));
    }
    if (document == null) {
      return EMPTY;
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException(
          null, "Malformed configuration in " + source + ": the top level must be a map of keys");
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", map, flat, source);
    return new Config(flat);
  }

  private static String where(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException m && m.getProblemMark().isPresent()) {
      Mark mark = m.getProblemMark().get();
      return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
    return "";
  }

  private static String problem(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException m) {
      String context = m.getContext() == null ? "" : m.getContext() + ", ";
      return context + (m.getProblem() == null ? "unreadable YAML" : m.getProblem());
    }
    return "unreadable YAML (" + e.getClass().getSimpleName() + ")";
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> flat, String source) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, flat, source);
      } else {
        put(flat, key, e.getValue(), source);
      }
    }
  }

  private static void put(Map<String, String> flat, String key, Object value, String source) {
    if (value == null) {
      throw new ConfigException(key, "Key '" + key + "' in " + source + " has no value");
    }
    String text =
        value instanceof List<?> list
            ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
            : String.valueOf(value);
    if (flat.putIfAbsent(key, text) != null) {
      throw new ConfigException(key, "Key '" + key + "' is defined twice in " + source);
    }
  }

  /** A copy with {@code key} set to {@code value}. */
  public Config with(String key, Object value) {
    Map<String, String> copy = new LinkedHashMap<>(entries);
    copy.remove(key);
    put(copy, key, value, "Config.with");
    return new Config(copy);
  }

  /** A copy with {@code option} set to {@code value}. */
  public <T> Config with(ConfigOption<T> option, T value) {
    return with(option.key(), option.format(value));
  }

  /** A copy where the entries of {@code overrides} replace those of this configuration. */
  public Config withAll(Config overrides) {
    Map<String, String> copy = new LinkedHashMap<>(entries);
    copy.putAll(overrides.entries);
    return new Config(copy);
  }

  /**
   * The value of {@code option}, or its default.
   *
   * @throws ConfigException if the value is malformed, or the option has no default and is not set
   */
  public <T> T get(ConfigOption<T> option) {
    return getOptional(option)
        .orElseThrow(
            () ->
                new ConfigException(
                    option.key(),
                    "Missing required key '" + option.key() + "': " + option.description()));
  }

  /** The value of {@code option}, its default, or empty when neither exists. */
  public <T> Optional<T> getOptional(ConfigOption<T> option) {
    String raw = entries.get(option.key());
    return raw == null ? option.defaultValue() : Optional.of(option.parse(raw));
  }

  /** Whether {@code key} is set explicitly. */
  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** The raw text of {@code key}, if set. */
  public Optional<String> getString(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** Every entry whose key starts with {@code prefix} (keys kept whole), sorted by key. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> result = new TreeMap<>();
    entries.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            result.put(k, v);
          }
        });
    return result;
  }

  /** All entries, sorted by key. */
  public Map<String, String> asMap() {
    return entries;
  }

  /**
   * Checks that every key under {@code prefix} is one of {@code known}, and that every known option that
   * is set parses.
   *
   * @throws ConfigException naming the first unknown key (with the closest known key) or malformed value
   */
  public void validate(String prefix, Collection<? extends ConfigOption<?>> known) {
    validate(prefix, known, key -> false);
  }

  /**
   * {@link #validate(String, Collection)}, except that keys under {@code prefix} that {@code foreign}
   * accepts (another system's keys sharing the prefix) are not refused but returned, sorted.
   *
   * @throws ConfigException naming the first unknown key (with the closest known key) or malformed value
   */
  public List<String> validate(
      String prefix, Collection<? extends ConfigOption<?>> known, java.util.function.Predicate<String> foreign) {
    Set<String> knownKeys = known.stream().map(ConfigOption::key).collect(Collectors.toSet());
    List<String> ignored = new java.util.ArrayList<>();
    for (String key : new TreeMap<>(entries).keySet()) {
      if (key.startsWith(prefix) && !knownKeys.contains(key)) {
        if (foreign.test(key)) {
          ignored.add(key);
          continue;
        }
        String closest = closest(key, knownKeys);
        throw new ConfigException(
            key,
            "Unknown configuration key '" + key + "'"
                + (closest == null ? "" : "; did you mean '" + closest + "'?")
                + " (every key is listed in the configuration table of the README)");
      }
    }
    for (ConfigOption<?> option : known) {
      getOptional(option);
    }
    return ignored;
  }

  private static String closest(String key, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = editDistance(key, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return bestDistance <= Math.max(3, key.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Config c && c.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /** What {@link #toString} prints in place of a sensitive value. */
  public static final String REDACTED = "******";

  /** Words that make a key sensitive wherever they appear in it (lower case). */
  private static final List<String> SENSITIVE_WORDS =
      List.of(
          "password", "secret", "token", "sas", "connection-string", "connectionstring", "credential",
          "apikey", "api-key", "auth-params", "jaas", "private-key", "access-key", "account-key",
          "service-key", "basic-auth", "http-headers");

  /**
   * Whether {@code key} holds a secret, by Flink's rule extended to the cloud SDKs' names: it contains
   * {@code password}, {@code secret}, {@code token}, {@code sas}, {@code connection-string}, {@code
   * credential}, {@code access-key}, {@code account-key}, … or its last segment is {@code key} or ends in
   * {@code -key}. Sensitive values never appear in {@link #toString}, error messages or logs.
   */
  public static boolean isSensitive(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    for (String word : SENSITIVE_WORDS) {
      if (k.contains(word)) {
        return true;
      }
    }
    String last = k.substring(k.lastIndexOf('.') + 1);
    return last.equals("key") || last.endsWith("-key") || last.endsWith("_key");
  }

  /** Every entry, with the values of {@linkplain #isSensitive sensitive} keys replaced by {@value #REDACTED}. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    entries.forEach((k, v) -> shown.put(k, isSensitive(k) ? REDACTED : v));
    return "Config" + shown;
  }
}
