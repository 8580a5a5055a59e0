/**
 * Runnable Aloft applications. They depend on the API and the engine only; backends and storage
 * providers come from whatever modules are on the module path, chosen by {@code config.yaml}.
 */
module io.aloft.samples {
  requires io.aloft.engine;
  requires io.aloft.sql;
}
