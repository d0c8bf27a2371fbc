package dev.cryo.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store's lock, across threads and processes: writers (checkpoint, import, rm, gc) hold it
 * exclusively, readers (restore, list, verify, export) shared. Between processes it is a
 * {@code fcntl} lock on {@code STORE/lock} through {@link FileChannel#lock}, released by the
 * kernel when a holder dies (so a kill -9 never leaves the store locked); inside one JVM a
 * read-write lock in front of it, since a JVM holds a file lock only once.
 *
 * <p>Lock order: the in-JVM lock, then the file lock.
 */
final class StoreLock {
    private final Path file;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private FileChannel channel; // guarded by this
    private FileLock lock; // guarded by this
    private int sharedHolders; // guarded by this

    StoreLock(Path file) {
        this.file = file;
    }

    /** A held lock; {@link #close} releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held exclusive() throws StoreException {
        rw.writeLock().lock();
        try {
            synchronized (this) {
                acquireLocked(false);
            }
        } catch (StoreException | RuntimeException e) {
            rw.writeLock().unlock();
            throw e;
        }
        return () -> {
            synchronized (this) {
                releaseLocked();
            }
            rw.writeLock().unlock();
        };
    }

    /** Exclusive among this JVM's threads only (closing this process's own state). */
    Held localExclusive() {
        rw.writeLock().lock();
        return () -> rw.writeLock().unlock();
    }

    Held shared() throws StoreException {
        rw.readLock().lock();
        try {
            synchronized (this) {
                if (sharedHolders++ == 0) acquireLocked(true);
            }
        } catch (StoreException | RuntimeException e) {
            synchronized (this) {
                sharedHolders--;
            }
            rw.readLock().unlock();
            throw e;
        }
        return () -> {
            synchronized (this) {
                if (--sharedHolders == 0) releaseLocked();
            }
            rw.readLock().unlock();
        };
    }

    private void acquireLocked(boolean shared) throws StoreException {
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock = channel.lock(0, Long.MAX_VALUE, shared); // waits for the other process
        } catch (IOException e) {
            closeQuietly();
            throw StoreException.of("store lock " + file, e);
        }
    }

    private void releaseLocked() {
        closeQuietly(); // closing the channel releases the lock
    }

    private void closeQuietly() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // the lock goes with the descriptor in any case
        }
        channel = null;
        lock = null;
    }
}
