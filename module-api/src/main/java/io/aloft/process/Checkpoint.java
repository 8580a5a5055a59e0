package io.aloft.process;

import io.aloft.spi.fs.Location;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A completed checkpoint of one processor instance.
 *
 * @param id the checkpoint id given to {@link KeyedProcessor#checkpoint(long)}
 * @param location the checkpoint's directory ({@code <execution.checkpointing.dir>/chk-<id>}); restore
 *     from it with the engine's {@code restoreFrom}
 * @param filesReferenced state files the checkpoint lists without copying them
 * @param filesCopied state files copied into checkpoint storage (0 when the primary directory lies
 *     inside the checkpoint directory and checkpoints are incremental)
 * @param bytesCopied bytes of those copies
 * @param bytesWritten bytes the checkpoint wrote in all: its metadata plus copies and flushed files
 * @param duration from the request until the checkpoint was complete (including draining in-flight
 *     records)
 * @param inputPosition the input position given with the checkpoint (a source offset), if any: a job
 *     restored from the checkpoint resumes its input there
 */
public record Checkpoint(
    long id,
    Location location,
    long filesReferenced,
    long filesCopied,
    long bytesCopied,
    long bytesWritten,
    Duration duration,
    OptionalLong inputPosition) {}
