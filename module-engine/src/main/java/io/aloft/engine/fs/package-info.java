/** The {@code file://} storage provider: the local file system behind the storage SPI's contract. */
package io.aloft.engine.fs;
