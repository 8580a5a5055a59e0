package io.aloft.fs.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
final class AzureFileOutput extends FileOutput {

  /** Metadata name ({@code x-ms-meta-aloft_write_id}); Azure allows letters, digits and '_' only. */
  static final String WRITE_ID = "aloft_write_id";

  /** Azure's most committed blocks in one blob. */
  private static final int MAX_BLOCKS = 50_000;

  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  private final AzureBlobFileSystem fs;
  private final Location location;
  private final BlockBlobClient blob;
  private final boolean exclusive;
  private final String writeId = UUID.randomUUID().toString().replace("-", "");

  // Owned by the writing thread, like every OutputStream.
  private byte[] buffer;
  private int count;
  private final List<String> blockIds = new ArrayList<>();
  private boolean open = true;

  AzureFileOutput(AzureBlobFileSystem fs, Location location, boolean exclusive) {
    this.fs = fs;
    this.location = location;
    this.blob = fs.blob(location).getBlockBlobClient();
    this.exclusive = exclusive;
    this.buffer = new byte[(int) Math.min(INITIAL_BUFFER_BYTES, fs.blockSize())];
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (count == buffer.length) {
      makeRoom();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    while (len > 0) {
      if (count == buffer.length) {
        makeRoom();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Grows a full buffer, or stages it as a block once it holds a whole block. Blocks leave only when
   * more bytes follow, so a file of exactly one block is still a single Put Blob.
   */
  private void makeRoom() throws IOException {
    if (buffer.length < fs.blockSize()) {
      byte[] larger = new byte[(int) Math.min(fs.blockSize(), 2L * buffer.length)];
      System.arraycopy(buffer, 0, larger, 0, count);
      buffer = larger;
    } else {
      stageBlock();
    }
  }

  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    try {
      if (blockIds.isEmpty()) {
        putBlob();
      } else {
        if (count > 0) {
          stageBlock();
        }
        commitBlocks();
      }
    } finally {
      buffer = null;
    }
  }

  /** Forgets what was written: staged blocks are never committed, and Azure drops them. */
  @Override
  public void abort() {
    open = false;
    buffer = null;
    blockIds.clear();
  }

  // --- requests -----------------------------------------------------------------------------------

  /** The buffered bytes; the SDK re-reads them for each attempt, no copy is made. */
  private BinaryData body() {
    return BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, count).asReadOnlyBuffer());
  }

  private BlobRequestConditions conditions() {
    return exclusive ? new BlobRequestConditions().setIfNoneMatch("*") : null;
  }

  private void putBlob() throws IOException {
    try {
      blob.uploadWithResponse(
          new BlockBlobSimpleUploadOptions(body())
              .setMetadata(Map.of(WRITE_ID, writeId))
              .setRequestConditions(conditions()),
          null,
          Context.NONE);
    } catch (RuntimeException e) {
      finishFailed(e, "PUT");
    }
  }

  private void stageBlock() throws IOException {
    if (blockIds.size() == MAX_BLOCKS) {
      throw new IOException(
          location + " is larger than Azure's " + MAX_BLOCKS + " blocks of " + fs.blockSize()
              + " bytes: raise " + AzureBlobFileSystemProvider.UPLOAD_BLOCK_SIZE.key());
    }
    int number = blockIds.size();
    // Ids of one blob must all have the same length: the write id, then a fixed-width number.
    String id =
        Base64.getEncoder()
            .encodeToString(
                String.format("%s-%06d", writeId, number).getBytes(StandardCharsets.US_ASCII));
    try {
      blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, body()), null, Context.NONE);
    } catch (RuntimeException e) {
      throw fs.translate(e, "PUT BLOCK " + (number + 1) + " of", location, false);
    }
    blockIds.add(id);
    count = 0;
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
    boolean conflict = status == AzureErrors.CONFLICT || status == AzureErrors.PRECONDITION_FAILED;
    boolean blocksDiscarded = AzureErrors.errorCode(e).equals(BlobErrorCode.INVALID_BLOCK_LIST.toString());
    IOException failure = fs.translate(e, operation, location, exclusive);
    if (exclusive && (conflict || blocksDiscarded)) {
      try {
        Map<String, String> metadata = fs.properties(location).getMetadata();
        if (writeId.equals(metadata.get(WRITE_ID))) {
          return;
        }
        if (blocksDiscarded) {
          failure =
              new FileAlreadyExistsException(
                  location.toString(), null, "another writer published it while this one wrote blocks");
          failure.initCause(e);
        }
      } catch (IOException headFailure) {
        failure.addSuppressed(headFailure);
      }
    }
    throw failure;
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new IOException(location + ": the stream is already closed");
    }
  }

  @Override
  public String toString() {
    return "AzureFileOutput[" + location + (exclusive ? ", exclusive]" : "]");
  }
}
