/**
 * The keyed runtime of one processor instance ({@code KeyedProcessorImpl}): key groups
 * ({@code KeyGroups}), the current key, watermarks, event-time timers kept in the backend
 * ({@code TimerStore}), and checkpoints of the instance through the checkpoint store.
 */
package io.aloft.engine.runtime;
