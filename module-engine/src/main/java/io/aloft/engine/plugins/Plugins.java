package io.aloft.engine.plugins;

import io.aloft.engine.ForStOptions;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import io.aloft.config.MissingPluginException;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.cache.CachePolicyFactory;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The plugins present at run time, found once with {@link ServiceLoader}: the one place that calls it.
 * Asking for a plugin that is absent names the module (and Maven artifact) that provides it.
 */
public final class Plugins {

  /** Which module provides each well-known plugin name, for the "add this module" message. */
  private static final Map<String, String> BACKEND_MODULES =
      Map.of("hashmap", "io.aloft.engine", "forst", "io.aloft.engine", "rocksdb", "io.aloft.rocksdb");

  private static final Map<String, String> SCHEME_MODULES =
      Map.of(
          "file", "io.aloft.engine",
          "s3", "io.aloft.fs.s3",
          "gs", "io.aloft.fs.gcs",
          "abfs", "io.aloft.fs.azure",
          "abfss", "io.aloft.fs.azure",
          "wasb", "io.aloft.fs.azure",
          "wasbs", "io.aloft.fs.azure",
          "hdfs", "io.aloft.fs.hdfs");

  private static final Map<String, String> CACHE_MODULES =
      Map.of("lru", "io.aloft.cache", "tinylfu", "io.aloft.cache");

  private static final Map<String, String> EXECUTOR_MODULES =
      Map.of("threads", "io.aloft.executor", "virtual", "io.aloft.executor", "direct", "io.aloft.executor");

  private final Map<String, StateBackendFactory> backends;
  private final Map<String, FileSystemProvider> fileSystemProviders;
  private final Map<String, ExecutorStrategyFactory> executorStrategies;
  private final Map<String, StateFileSystem> openFileSystems = new ConcurrentHashMap<>();

  private Plugins() {
    ClassLoader loader = Plugins.class.getClassLoader();
    backends = byName(ServiceLoader.load(StateBackendFactory.class, loader), StateBackendFactory::type);
    executorStrategies =
        byName(ServiceLoader.load(ExecutorStrategyFactory.class, loader), ExecutorStrategyFactory::name);
    fileSystemProviders = new TreeMap<>();
    for (FileSystemProvider provider : ServiceLoader.load(FileSystemProvider.class, loader)) {
      for (String scheme : provider.schemes()) {
        fileSystemProviders.putIfAbsent(scheme, provider);
      }
    }
  }

  /** Discovers the plugins visible to the engine's class loader (module path and class path). */
  public static Plugins discover() {
    return new Plugins();
  }

  private static <S> Map<String, S> byName(ServiceLoader<S> loader, Function<S, String> name) {
    Map<String, S> result = new TreeMap<>();
    for (S plugin : loader) {
      result.putIfAbsent(name.apply(plugin), plugin);
    }
    return result;
  }

  /** The backend named by {@code state.backend.type}. */
  public StateBackendFactory backend(Config config) {
    String type = config.get(AloftOptions.STATE_BACKEND_TYPE);
    return find(backends, type, AloftOptions.STATE_BACKEND_TYPE.key(), "state backend", BACKEND_MODULES);
  }

  /** The cache policy named by {@code state.backend.forst.cache.policy}. */
  public CachePolicyFactory cachePolicy(Config config) {
    return cachePolicyFactory(config);
  }

  /**
   * The cache policy named by {@code state.backend.forst.cache.policy}, for the forst backend, which is
   * itself a plugin and gets no {@code Plugins}: the factories are found once, on first use.
   *
   * @throws MissingPluginException naming module {@code io.aloft.cache} when it is absent
   */
  public static CachePolicyFactory cachePolicyFactory(Config config) {
    String name = config.get(ForStOptions.CACHE_POLICY);
    return find(
        CachePolicies.FOUND, name, ForStOptions.CACHE_POLICY.key(), "cache policy", CACHE_MODULES);
  }

  /** The cache-policy factories present; loaded on first use, as the class path never changes. */
  private static final class CachePolicies {
    static final Map<String, CachePolicyFactory> FOUND =
        byName(
            ServiceLoader.load(CachePolicyFactory.class, Plugins.class.getClassLoader()),
            CachePolicyFactory::name);
  }

  public ExecutorStrategyFactory executorStrategy(Config config) {
    String name = config.get(ForStOptions.EXECUTOR_STRATEGY);
    return find(
        executorStrategies,
        name,
        ForStOptions.EXECUTOR_STRATEGY.key(),
        "executor strategy",
        EXECUTOR_MODULES);
  }

  /**
   * The file system serving {@code location}'s scheme, created on first use from {@code config} and
   * shared afterwards.
   */
  public StateFileSystem fileSystem(Location location, Config config) throws IOException {
    String scheme = location.scheme();
    FileSystemProvider provider =
        find(fileSystemProviders, scheme, null, "storage provider for scheme", SCHEME_MODULES);
    StateFileSystem fs = openFileSystems.get(scheme);
    if (fs == null) {
      fs = provider.create(scheme, config);
      StateFileSystem raced = openFileSystems.putIfAbsent(scheme, fs);
      if (raced != null) {
        fs.close();
        fs = raced;
      }
    }
    return fs;
  }

  /** The names of the backends found, sorted. */
  public List<String> backendTypes() {
    return List.copyOf(backends.keySet());
  }

  /** The file-system providers found. */
  public List<FileSystemProvider> fileSystemProviders() {
    return List.copyOf(new java.util.LinkedHashSet<>(fileSystemProviders.values()));
  }

  /** Closes the file systems this registry created. */
  public void closeFileSystems() throws IOException {
    IOException first = null;
    for (StateFileSystem fs : openFileSystems.values()) {
      try {
        fs.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    openFileSystems.clear();
    if (first != null) {
      throw first;
    }
  }

  private static <S> S find(
      Map<String, S> found, String name, String key, String what, Map<String, String> modules) {
    S plugin = found.get(name);
    if (plugin != null) {
      return plugin;
    }
    String module = modules.get(name);
    String setting = key == null ? "'" + name + "://'" : "'" + key + ": " + name + "'";
    String hint =
        module != null && !module.equals("io.aloft.engine")
            ? "add module " + module + " (Maven artifact io.aloft:aloft-" + artifact(module)
                + ") to the module path or class path"
            : module != null
                ? "this build of " + module + " does not provide it"
                : "no known module provides it";
    throw new MissingPluginException(
        key,
        "No " + what + " '" + name + "' is available for " + setting + ": " + hint
            + ". Available: " + found.keySet());
  }

  private static String artifact(String module) {
    return module.substring("io.aloft.".length()).replace('.', '-');
  }

  /** The prefixes of Aloft's own keys: an unknown key below them is a typo. */
  static final List<String> OWN_PREFIXES =
      List.of("state.backend.", "execution.async-state.", "execution.checkpointing.", "pipeline.", "aloft.");

  private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

  /**
   * Every key under Aloft's prefixes that something reads: the shared keys, the {@code forst} keys and
   * the keys of the cache policies found.
   */
  public static List<ConfigOption<?>> knownOptions() {
    List<ConfigOption<?>> known = new ArrayList<>(AloftOptions.all());
    known.addAll(ForStOptions.all());
    for (CachePolicyFactory policy : CachePolicies.FOUND.values()) {
      known.addAll(policy.options());
    }
    return known;
  }

  /** The options the cache policies found declare, by policy name. */
  public static Map<String, List<ConfigOption<?>>> cachePolicyOptions() {
    Map<String, List<ConfigOption<?>>> options = new java.util.TreeMap<>();
    CachePolicies.FOUND.forEach((name, policy) -> options.put(name, policy.options()));
    return options;
  }

  /**
   * Fails fast on keys under Aloft's prefixes ({@link #OWN_PREFIXES}) that Aloft does not know, naming
   * the closest known key, and on bad values; Flink's own keys there that Aloft does not read, and a
   * Flink deployment's keys elsewhere ({@code taskmanager.*}, {@code rest.*}, …), are ignored with one
   * WARNING, or refused when {@code aloft.config.strict} is true.
   *
   * @return the Flink keys ignored, sorted
   */
  public static List<String> validate(Config config) {
    List<ConfigOption<?>> known = knownOptions();
    boolean strict = config.get(AloftOptions.CONFIG_STRICT);
    List<String> ignored = new ArrayList<>();
    for (String prefix : OWN_PREFIXES) {
      ignored.addAll(config.validate(prefix, known, FlinkKeys::isKnown));
    }
    for (String key : config.asMap().keySet()) {
      if (FlinkKeys.isClusterKey(key) && OWN_PREFIXES.stream().noneMatch(key::startsWith)) {
        ignored.add(key);
      }
    }
    java.util.Collections.sort(ignored);
    if (!ignored.isEmpty() && strict) {
      throw new io.aloft.config.ConfigException(
          ignored.get(0),
          "Flink configuration keys that Aloft does not honour: " + String.join(", ", ignored)
              + " (refused because " + AloftOptions.CONFIG_STRICT.key() + " is true; remove them, or"
              + " set it to false to ignore them with a warning)");
    }
    if (!ignored.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Ignoring Flink configuration keys that Aloft does not use: " + String.join(", ", ignored));
    }
    return ignored;
  }
}
