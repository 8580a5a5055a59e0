/**
 * The {@code gs://} storage provider: Google Cloud Storage through Google's generated client for the
 * JSON API ({@code google-api-services-storage}), which, unlike {@code google-cloud-storage}, resolves
 * on the module path. Applications add this module and set
 * {@code execution.checkpointing.dir: gs://bucket/path}; the engine finds the provider with
 * {@link java.util.ServiceLoader}. Configuration keys start with {@code gcs.} (see
 * {@link io.aloft.fs.gcs.GcsFileSystemProvider}). Exports nothing.
 */
module io.aloft.fs.gcs {
  requires io.aloft.api;
  requires com.google.api.services.storage;
  requires google.api.client;
  requires com.google.api.client;
  requires com.google.api.client.json.gson;
  requires com.google.auth;
  requires com.google.auth.oauth2;
  // google-http-client, google-api-client and google-auth-library are automatic modules and cannot say
  // that they need Guava and Gson, which are explicit modules: an explicit module is resolved only when
  // a named module requires it, so without these the module path fails with NoClassDefFoundError.
  requires com.google.common;
  requires com.google.gson;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.fs.gcs.GcsFileSystemProvider;
}
