/**
 * Checkpoints in a root that every instance can read, kept without a coordinator: {@code CheckpointStore}
 * is the facade the runtime uses; {@code CheckpointRestore} reads complete checkpoints and takes over
 * the runs a restore replaces; {@code CheckpointRetention} discards what retention no longer keeps;
 * {@code RetainedCheckpoints}, {@code InstanceRun} and {@code CheckpointRoot} hold a run's parts and
 * lease, its identity, and the root's layout; {@code SharedFileRegistry} is the only code that deletes
 * a shared file. The formats ({@code InstanceCheckpoint}, {@code Lease}, {@code Hold}, all framed by
 * {@code MetadataFile}) and the safety argument are in {@code docs/checkpoints.md}.
 */
package io.aloft.engine.checkpoint;
