/**
 * The checkpoint store: where images live. Memory is cut into chunks addressed by their hash,
 * each compressed with zstd and stored once; an index maps chunk hash to location; a snapshot is
 * a small manifest (the kernel-state blob and the list of chunks of the memory file). Commits are
 * atomic and reads verify hashes. It knows nothing of the Sentry. No sources yet.
 */
package dev.cryo.store;
