package io.aloft.fs.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes one block blob. Bytes collect in a buffer that grows up to the block size; a file that fits is
 * one Put Blob at {@link #close()}, a larger one is staged block by block (Put Block) as the buffer fills
 * and published by Put Block List. Nothing is visible before {@code close} returns: staged blocks stay
 * uncommitted, invisible to readers and lists, until the block list is committed.
 *
 * <p>Every blob carries a random write id in its metadata. When a response is lost and the SDK's retry
 * of an exclusive write finds the blob already there (409), the id tells whether this writer put it
 * there — then the write succeeded.
 *
 * <p>A writer that is aborted, or fails, leaves its staged blocks uncommitted; Azure discards them
 * after a week. Block ids embed the write id, so concurrent writers of one name never mix blocks.
 */
final class AzureFileOutput extends BlobFileOutput {

  /** Metadata name ({@code x-ms-meta-aloft_write_id}); Azure allows letters, digits and '_' only. */
  static final String WRITE_ID = "aloft_write_id";

  /** Azure's most committed blocks in one blob. */
  private static final int MAX_BLOCKS = 50_000;

  private final AzureBlobFileSystem fs;
  private final BlockBlobClient blob;
  private final boolean exclusive;
  private final String writeId = UUID.randomUUID().toString().replace("-", "");

  // Owned by the writing thread, like every OutputStream.
  private final List<String> blockIds = new ArrayList<>();

  AzureFileOutput(AzureBlobFileSystem fs, Location location, boolean exclusive) {
    super(location, fs.blockSize());
    this.fs = fs;
    this.blob = fs.blob(location).getBlockBlobClient();
    this.exclusive = exclusive;
  }

  @Override
  protected void uploadWhole(byte[] bytes, int length) throws IOException {
    try {
      blob.uploadWithResponse(
          new BlockBlobSimpleUploadOptions(body(bytes, length))
              .setMetadata(Map.of(WRITE_ID, writeId))
              .setRequestConditions(conditions()),
          null,
          Context.NONE);
    } catch (RuntimeException e) {
      finishFailed(e, "PUT");
    }
  }

  @Override
  protected boolean hasParts() {
    return !blockIds.isEmpty();
  }

  @Override
  protected void completeParts(byte[] bytes, int length) throws IOException {
    if (length > 0) {
      uploadPart(bytes, length);
    }
    commitBlocks();
  }

  /** Forgets what was written: staged blocks are never committed, and Azure drops them. */
  @Override
  protected void discardParts() {
    blockIds.clear();
  }

  // --- requests -----------------------------------------------------------------------------------

  /** The buffered bytes; the SDK re-reads them for each attempt, no copy is made. */
  private static BinaryData body(byte[] bytes, int length) {
    return BinaryData.fromByteBuffer(ByteBuffer.wrap(bytes, 0, length).asReadOnlyBuffer());
  }

  private BlobRequestConditions conditions() {
    return exclusive ? new BlobRequestConditions().setIfNoneMatch("*") : null;
  }

  /** Stages the next block (Put Block); it stays invisible until the block list is committed. */
  @Override
  protected void uploadPart(byte[] bytes, int length) throws IOException {
    if (blockIds.size() == MAX_BLOCKS) {
      throw new IOException(
          location() + " is larger than Azure's " + MAX_BLOCKS + " blocks of " + fs.blockSize()
              + " bytes: raise " + AzureBlobFileSystemProvider.UPLOAD_BLOCK_SIZE.key());
    }
    int number = blockIds.size();
    // Ids of one blob must all have the same length: the write id, then a fixed-width number.
    String id =
        Base64.getEncoder()
            .encodeToString(
                String.format("%s-%06d", writeId, number).getBytes(StandardCharsets.US_ASCII));
    try {
      blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, body(bytes, length)), null, Context.NONE);
    } catch (RuntimeException e) {
      throw fs.translate(e, "PUT BLOCK " + (number + 1) + " of", location(), false);
    }
    blockIds.add(id);
  }

  private void commitBlocks() throws IOException {
    try {
      blob.commitBlockListWithResponse(
          new BlockBlobCommitBlockListOptions(blockIds)
              .setMetadata(Map.of(WRITE_ID, writeId))
              .setRequestConditions(conditions()),
          null,
          Context.NONE);
    } catch (RuntimeException e) {
      finishFailed(e, "PUT BLOCK LIST of");
    }
  }

  /**
   * Throws the translation of {@code e}, unless it only says that an earlier attempt of this very write
   * succeeded (its response was lost): then the blob carries this writer's id, and returns normally.
   * For an exclusive write, a refused block list on a blob that another writer published meanwhile (its
   * Put Blob discards the blocks staged for the name) is "already exists" too.
   */
  private void finishFailed(RuntimeException e, String operation) throws IOException {
    int status = AzureErrors.status(e);
    boolean conflict = status == BlobErrors.CONFLICT || status == BlobErrors.PRECONDITION_FAILED;
    boolean blocksDiscarded = AzureErrors.errorCode(e).equals(BlobErrorCode.INVALID_BLOCK_LIST.toString());
    IOException failure = fs.translate(e, operation, location(), exclusive);
    if (exclusive && (conflict || blocksDiscarded)) {
      try {
        Map<String, String> metadata = fs.properties(location()).getMetadata();
        if (writeId.equals(metadata.get(WRITE_ID))) {
          return;
        }
        if (blocksDiscarded) {
          failure =
              new FileAlreadyExistsException(
                  location().toString(), null, "another writer published it while this one wrote blocks");
          failure.initCause(e);
        }
      } catch (IOException headFailure) {
        failure.addSuppressed(headFailure);
      }
    }
    throw failure;
  }

  @Override
  public String toString() {
    return "AzureFileOutput[" + location() + (exclusive ? ", exclusive]" : "]");
  }
}
