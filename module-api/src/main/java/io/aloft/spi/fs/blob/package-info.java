/**
 * What the blob-store providers (S3, GCS, Azure) share: the shape of a file on a store that is reached
 * by HTTP requests, with each provider filling in its own requests.
 *
 * <ul>
 *   <li>{@link io.aloft.spi.fs.blob.BlobInputFile} — a file to read whose length is learnt by one
 *       metadata request and then kept; {@code exists()} is that same request.
 *   <li>{@link io.aloft.spi.fs.blob.BlobFileInput} — positional reads: the argument checks, the
 *       end-of-file answer, and the reading of a ranged answer's body (including a store that ignored
 *       the range), around the provider's own ranged GET.
 *   <li>{@link io.aloft.spi.fs.blob.BlobOutputFile} and {@link io.aloft.spi.fs.blob.BlobFileOutput} —
 *       a file to write, buffered in memory and sent in one request when it fits in one part, as a
 *       multipart (block, resumable) upload when it does not.
 *   <li>{@link io.aloft.spi.fs.blob.BlobErrors} — the storage contract's exceptions for HTTP answers and
 *       unreachable stores, worded the same by every provider; {@link io.aloft.spi.fs.blob.ContentRange}
 *       reads a {@code Content-Range} header.
 * </ul>
 *
 * <p>Nothing here sends a request, retries or authenticates: those stay in the providers, with their
 * SDKs. Only JDK types appear, so the package adds nothing to what a plugin depends on.
 */
package io.aloft.spi.fs.blob;
