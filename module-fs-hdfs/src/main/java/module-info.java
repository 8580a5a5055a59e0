/**
 * The {@code hdfs://} storage provider: HDFS through Hadoop's shaded client ({@code hadoop-client-api},
 * with {@code hadoop-client-runtime} at run time). Applications add this module and set
 * {@code execution.checkpointing.dir: hdfs://namenode:8020/path}; the engine finds the provider with
 * {@link java.util.ServiceLoader}. Configuration: the {@code hdfs.} keys of
 * {@link io.aloft.fs.hdfs.HdfsFileSystemProvider}, and Hadoop's own keys passed through. Exports nothing.
 */
module io.aloft.fs.hdfs {
  requires io.aloft.api;
  requires hadoop.client.api;
  // Hadoop's client uses these JDK modules but, being an automatic module, cannot say so. A full JDK
  // resolves them anyway (java.base's service uses bind them in), but an image or launch that limits
  // the modules (jlink, --limit-modules) would not, and the client would fail at the first access:
  // metrics register MBeans (java.management), Configuration parses XML (java.xml), NetUtils and the
  // security code use JNDI and Kerberos types (java.naming, java.security.jgss), and
  // UserGroupInformation logs in with com.sun.security.auth.module.UnixLoginModule
  // (jdk.security.auth). HdfsProviderOnModulePathTest runs with --limit-modules to keep this list true.
  requires java.xml;
  requires java.management;
  requires java.naming;
  requires java.security.jgss;
  requires jdk.security.auth;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.fs.hdfs.HdfsFileSystemProvider;
}
