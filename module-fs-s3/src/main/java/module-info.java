/**
 * The {@code s3://} storage provider: Amazon S3 and S3-compatible stores through the AWS SDK for Java v2.
 * Applications add this module and set {@code execution.checkpointing.dir: s3://bucket/path}; the engine
 * finds the provider with {@link java.util.ServiceLoader}. Configuration keys start with {@code s3.}
 * (see {@link io.aloft.fs.s3.S3FileSystemProvider}). Exports nothing.
 */
module io.aloft.fs.s3 {
  requires io.aloft.api;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.identity.spi;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.apache5;
  requires software.amazon.awssdk.utils;
  // Apache HttpClient 5 (under the SDK's apache5 client) sets TCP keep-alive options through
  // jdk.net.Sockets but, being an automatic module, cannot say so: without this, jdk.net is not resolved
  // on the module path and creating a file system fails with NoClassDefFoundError: jdk/net/Sockets.
  requires jdk.net;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.fs.s3.S3FileSystemProvider;
}
