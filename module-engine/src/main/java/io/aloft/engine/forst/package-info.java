/**
 * The {@code forst} backend: every state of an instance in one {@link io.aloft.engine.lsm.LsmTree}
 * whose files live in the primary (usually remote) store, each state a table id inside the row key
 * ({@code ForStTable}); batches become one multi-get or one {@code WriteBatch}; checkpoints list the
 * tree's files in place (or copy them) and record them in the {@code SharedFileRegistry}; restores
 * open a checkpoint's files where they are ({@code ForStSnapshot} is the part's metadata).
 */
package io.aloft.engine.forst;
