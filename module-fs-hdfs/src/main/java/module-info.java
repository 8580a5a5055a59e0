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
  // Hadoop's client uses these JDK modules but, being an automatic module, cannot say so; on the
  // module path they would not be resolved. UserGroupInformation logs in through JAAS with
  // com.sun.security.auth (jdk.security.auth) and Kerberos classes (java.security.jgss); Configuration
  // parses XML (java.xml); metrics register MBeans (java.management); DNS lookups use JNDI (java.naming).
  requires java.xml;
  requires java.management;
  requires java.naming;
  requires java.security.jgss;
  requires jdk.security.auth;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.fs.hdfs.HdfsFileSystemProvider;
}
