/**
 * The {@code abfs://}, {@code abfss://}, {@code wasb://} and {@code wasbs://} storage provider: Azure Blob
 * Storage and Azurite through azure-storage-blob on the JDK's HTTP client. Applications add this module
 * and set {@code execution.checkpointing.dir: abfss://container@account.dfs.core.windows.net/path}; the
 * engine finds the provider with {@link java.util.ServiceLoader}. Configuration keys start with {@code
 * azure.} (see {@link io.aloft.fs.azure.AzureBlobFileSystemProvider}). Exports nothing.
 */
module io.aloft.fs.azure {
  requires io.aloft.api;
  requires com.azure.core;
  requires com.azure.core.http.jdk.httpclient;
  requires com.azure.storage.blob;
  requires com.azure.storage.common;
  requires java.net.http;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.fs.azure.AzureBlobFileSystemProvider;
}
