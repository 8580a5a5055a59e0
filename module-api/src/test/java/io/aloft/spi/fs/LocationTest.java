package io.aloft.spi.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocationTest {

  // --- parsing ------------------------------------------------------------------------------------

  @Test
  void anS3LocationHasTheBucketAsAuthority() {
    Location l = Location.of("s3://bucket/a/b");

    assertThat(l).isEqualTo(new Location("s3", "bucket", "/a/b"));
  }

  @Test
  void aFileLocationHasAnEmptyAuthority() {
    assertThat(Location.of("file:///tmp/x")).isEqualTo(new Location("file", "", "/tmp/x"));
  }

  @Test
  void aBareAbsolutePathIsAFileLocation() {
    assertThat(Location.of("/tmp/x")).isEqualTo(Location.of("file:///tmp/x"));
  }

  @Test
  void anHdfsAuthorityKeepsItsPort() {
    assertThat(Location.of("hdfs://nn:8020/p")).isEqualTo(new Location("hdfs", "nn:8020", "/p"));
  }

  @Test
  void aLocationWithoutPathIsTheRootOfItsAuthority() {
    assertThat(Location.of("s3://bucket").path()).isEqualTo("/");
    assertThat(Location.of("s3://bucket/").path()).isEqualTo("/");
  }

  @Test
  void aTrailingSlashIsRemoved() {
    assertThat(Location.of("s3://bucket/a/b/")).isEqualTo(Location.of("s3://bucket/a/b"));
    assertThat(Location.of("/tmp/x/").path()).isEqualTo("/tmp/x");
    assertThat(new Location("s3", "bucket", "/a/")).isEqualTo(new Location("s3", "bucket", "/a"));
  }

  @Test
  void theSchemeIsLowerCased() {
    assertThat(Location.of("S3://bucket/a").scheme()).isEqualTo("s3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3://bucket/a/b", "file:///tmp/x", "hdfs://nn:8020/p", "gs://b", "abfs://c@acct/d/e"})
  void toStringParsesBackToTheSameLocation(String text) {
    Location l = Location.of(text);

    assertThat(Location.of(l.toString())).isEqualTo(l);
  }

  @Test
  void toStringIsSchemeAuthorityAndPath() {
    assertThat(Location.of("/tmp/x")).hasToString("file:///tmp/x");
    assertThat(Location.of("s3://bucket")).hasToString("s3://bucket/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "relative/path", "bucket/a/b", "://bucket/a", "s3:/bucket/a", "C:\\data"})
  void malformedTextIsRejectedNamingIt(String text) {
    assertThatThrownBy(() -> Location.of(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void anEmptyPathSegmentIsRejected() {
    assertThatThrownBy(() -> Location.of("s3://bucket/a//b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/a//b");
  }

  @Test
  void aRelativePathCannotBeConstructed() {
    assertThatThrownBy(() -> new Location("s3", "bucket", "a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a/b");
  }

  // --- navigation ---------------------------------------------------------------------------------

  @Test
  void resolveAppendsOneOrMoreNames() {
    Location dir = Location.of("s3://bucket/state");

    assertThat(dir.resolve("1.sst")).isEqualTo(Location.of("s3://bucket/state/1.sst"));
    assertThat(dir.resolve("job/ckp-1")).isEqualTo(Location.of("s3://bucket/state/job/ckp-1"));
  }

  @Test
  void resolveFromTheRootHasASingleSlash() {
    assertThat(Location.of("s3://bucket").resolve("a")).isEqualTo(Location.of("s3://bucket/a"));
  }

  @Test
  void resolveRejectsAnAbsoluteOrEmptyName() {
    Location dir = Location.of("s3://bucket/state");

    assertThatThrownBy(() -> dir.resolve("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dir.resolve("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parentDropsTheLastName() {
    assertThat(Location.of("s3://bucket/a/b").parent()).isEqualTo(Location.of("s3://bucket/a"));
    assertThat(Location.of("s3://bucket/a").parent()).isEqualTo(Location.of("s3://bucket/"));
  }

  @Test
  void theRootIsItsOwnParent() {
    Location root = Location.of("s3://bucket/");

    assertThat(root.parent()).isEqualTo(root);
  }

  @Test
  void fileNameIsTheLastName() {
    assertThat(Location.of("s3://bucket/state/000042.sst").fileName()).isEqualTo("000042.sst");
    assertThat(Location.of("s3://bucket/").fileName()).isEmpty();
  }

  @Test
  void relativeToGivesThePathBelowTheAncestor() {
    Location file = Location.of("s3://bucket/state/job/1.sst");

    assertThat(file.relativeTo(Location.of("s3://bucket/state"))).isEqualTo("job/1.sst");
    assertThat(file.relativeTo(Location.of("s3://bucket/"))).isEqualTo("state/job/1.sst");
  }

  @Test
  void relativeToIsTheInverseOfResolve() {
    Location base = Location.of("hdfs://nn:8020/aloft");

    assertThat(base.resolve("a/b/c").relativeTo(base)).isEqualTo("a/b/c");
  }

  @Test
  void relativeToRejectsALocationThatIsNotBelowTheAncestor() {
    Location file = Location.of("s3://bucket/state/1.sst");

    assertThatThrownBy(() -> file.relativeTo(Location.of("s3://bucket/stat")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://bucket/state/1.sst");
    assertThatThrownBy(() -> file.relativeTo(Location.of("s3://other/state")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> file.relativeTo(Location.of("gs://bucket/state")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> file.relativeTo(file)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dotSegmentsAreRejected() {
    assertThatThrownBy(() -> Location.of("s3://bucket/a/../b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("..");
    assertThatThrownBy(() -> Location.of("/tmp/./x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFileUriFormOfJavaIoFileIsAccepted() {
    assertThat(Location.of("file:/tmp/x")).isEqualTo(Location.of("file:///tmp/x"));
  }
}
