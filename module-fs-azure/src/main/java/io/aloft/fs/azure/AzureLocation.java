package io.aloft.fs.azure;

import io.aloft.spi.fs.Location;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an {@code abfs[s]://} or {@code wasb[s]://} location names in Azure: a storage account, a
 * container in it and a blob name. The authority is {@code <container>@<account-host>}, where the host is
 * {@code <account>.dfs.<suffix>} (ADLS Gen2 style, as Hadoop's ABFS writes it), {@code
 * <account>.blob.<suffix>} (as Hadoop's WASB writes it) or just {@code <account>}; the suffix (default
 * {@code core.windows.net}) selects the cloud. The path is the blob name.
 *
 * @param account the storage account name, e.g. {@code mystorage}
 * @param container the container name, e.g. {@code state}
 * @param blobName the blob name: the path without its leading {@code /}; empty for the container's root
 * @param endpointSuffix the DNS suffix of the account's cloud, e.g. {@code core.windows.net}
 */
record AzureLocation(String account, String container, String blobName, String endpointSuffix) {

  static final String DEFAULT_ENDPOINT_SUFFIX = "core.windows.net";

  // Azure's own rules: accounts are 3-24 lower-case letters and digits; containers 3-63 lower-case
  // letters, digits and single hyphens, starting and ending with a letter or digit.
  private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
  private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");

  /**
   * The Azure names of {@code location}.
   *
   * @throws IllegalArgumentException naming the location and the expected form when it is not an Azure
   *     location
   */
  static AzureLocation of(Location location) {
    if (!AzureBlobFileSystemProvider.SCHEMES.contains(location.scheme())) {
      throw malformed(location, "its scheme is not one of " + AzureBlobFileSystemProvider.SCHEMES);
    }
    String authority = location.authority();
    int at = authority.indexOf('@');
    if (at < 0) {
      throw malformed(location, "its authority has no '@' between container and account");
    }
    String container = authority.substring(0, at);
    String host = authority.substring(at + 1).toLowerCase(Locale.ROOT);
    if (!CONTAINER.matcher(container).matches()) {
      throw malformed(
          location,
          "'" + container + "' is not a container name (3-63 lower-case letters, digits and single"
              + " hyphens)");
    }
    int dot = host.indexOf('.');
    String account = dot < 0 ? host : host.substring(0, dot);
    String suffix = DEFAULT_ENDPOINT_SUFFIX;
    if (dot >= 0) {
      String service = host.substring(dot + 1);
      if (service.startsWith("dfs.") || service.startsWith("blob.")) {
        suffix = service.substring(service.indexOf('.') + 1);
      } else {
        suffix = "";
      }
      if (suffix.isEmpty()) {
        throw malformed(
            location,
            "'" + host + "' is not an account host (<account>.dfs.<suffix>, <account>.blob.<suffix> or"
                + " <account>)");
      }
    }
    if (!ACCOUNT.matcher(account).matches()) {
      throw malformed(
          location, "'" + account + "' is not a storage account name (3-24 lower-case letters and digits)");
    }
    return new AzureLocation(account, container, location.path().substring(1), suffix);
  }

  /** The account's Blob service endpoint in its public cloud, e.g. {@code https://acc.blob.core.windows.net}. */
  String defaultBlobEndpoint() {
    return "https://" + account + ".blob." + endpointSuffix;
  }

  /** The prefix of every blob name below this location as a directory ({@code ""} for the root). */
  String directoryPrefix() {
    return blobName.isEmpty() ? "" : blobName + "/";
  }

  private static IllegalArgumentException malformed(Location location, String reason) {
    return new IllegalArgumentException(
        location + " is not an Azure Blob location: " + reason + "; expected"
            + " abfs[s]://<container>@<account>.dfs.core.windows.net/<path> or"
            + " wasb[s]://<container>@<account>.blob.core.windows.net/<path>");
  }
}
