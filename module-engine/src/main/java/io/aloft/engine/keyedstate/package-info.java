/**
 * State V2 on any backend's tables: the five state types ({@code ValueStateImpl}, …) written once,
 * each operation a composition of {@link io.aloft.engine.keyedstate.TableRequest}s (data: a get, a
 * scan page, writes) that a {@link io.aloft.engine.keyedstate.RequestHandler} executes — at once, or
 * batched by the asynchronous execution controller. Row keys and stored values are laid out by
 * {@code RowKeys} and {@code StoredValues} as {@code docs/state-layout.md} describes; null, empty and
 * TTL semantics live here, so a backend only stores bytes.
 */
package io.aloft.engine.keyedstate;
