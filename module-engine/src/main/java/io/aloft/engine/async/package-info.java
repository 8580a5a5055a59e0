/**
 * The asynchronous execution controller: keeps many records in flight on the task thread while each
 * key's requests and callbacks run in the order a synchronous execution would have ({@code Scope},
 * {@code RecordContext}), gathers requests into batches and runs them on the executor strategy's
 * threads ({@code BatchRunner}: per key, writes before later reads; reads as multi-gets), and hands
 * results back through the {@code Mailbox}.
 */
package io.aloft.engine.async;
