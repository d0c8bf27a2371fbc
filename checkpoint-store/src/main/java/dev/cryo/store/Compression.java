package dev.cryo.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.nio.ByteBuffer;

/**
 * zstd, one context per thread. Level 1: on memory-like data it runs ~0.9-1.3 GB/s per core on
 * 64 KiB chunks here with a ratio within 2% of level 3, which runs at a third of the speed;
 * negative levels are 3x faster but lose a fifth of the ratio (docs/store.md, StoreBench).
 * A chunk that does not shrink by at least 1/32 is stored raw: decompressing it would cost time
 * for nothing.
 */
final class Compression implements AutoCloseable {
    static final int LEVEL = 1;

    private final ZstdCompressCtx cctx = new ZstdCompressCtx();
    private final ZstdDecompressCtx dctx = new ZstdDecompressCtx();

    Compression() {
        cctx.setLevel(LEVEL);
        cctx.setChecksum(false); // the store checks CRC32C and SHA-256 itself
    }

    static int bound(int n) {
        return (int) Zstd.compressBound(n);
    }

    /**
     * Compresses {@code src} (its remaining bytes) into {@code dst} (cleared first) and returns
     * the compressed length, or -1 if the chunk is better stored raw.
     */
    int compress(ByteBuffer src, ByteBuffer dst) {
        int n = src.remaining();
        dst.clear();
        int c = cctx.compress(dst, src.duplicate());
        dst.flip();
        return c > n - (n >> 5) ? -1 : c;
    }

    /** Decompresses {@code src} into {@code dst} (both direct, their remaining bytes); returns the bytes made. */
    int decompress(ByteBuffer src, ByteBuffer dst) {
        return dctx.decompressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(),
                src.remaining());
    }

    @Override
    public void close() {
        cctx.close();
        dctx.close();
    }
}
