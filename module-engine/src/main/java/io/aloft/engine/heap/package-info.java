/** The {@code hashmap} backend: tables as sorted maps on the Java heap; checkpoints write them whole. */
package io.aloft.engine.heap;
