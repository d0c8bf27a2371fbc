package dev.cryo.sentry.mm;

import dev.cryo.serializer.Savable;

/**
 * A range of the memory file that MAP_SHARED mappings of several processes use together
 * (after fork): it is released only when the last VMA that refers to it goes. Counting VMAs,
 * not pages, keeps it simple; a range one process partly unmapped stays allocated until every
 * piece is gone, which is never wrong, only later. Guarded by the kernel lock.
 */
@Savable
public final class Share {
    long offset;
    long length;
    /** VMAs (in any memory manager) that refer to the range. */
    int users;

    Share(long offset, long length) {
        this.offset = offset;
        this.length = length;
        this.users = 1;
    }

    /** For Kryo. */
    Share() {}
}
