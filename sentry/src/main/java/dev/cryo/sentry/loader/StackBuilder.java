package dev.cryo.sentry.loader;

import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lays out the initial stack of the x86-64 System V ABI (fs/binfmt_elf.c create_elf_tables):
 * strings at the top, then, 16-byte aligned at the stack pointer, argc, argv[], NULL, envp[],
 * NULL and the auxiliary vector ending with AT_NULL.
 */
final class StackBuilder {
    private StackBuilder() {}

    /**
     * Writes the stack below {@code top}; {@code aux} holds key/value pairs where AT_RANDOM,
     * AT_EXECFN and AT_PLATFORM get the addresses of what this writes. Returns the stack pointer.
     */
    static long build(Usermem mem, long top, List<String> argv, List<String> envp, String execfn,
            long[] aux, byte[] random) {
        return build(mem, top, argv, envp, execfn, aux, random, new long[4]);
    }

    /** As above; {@code argEnv} gets where the strings went: arg_start, arg_end, env_start, env_end. */
    static long build(Usermem mem, long top, List<String> argv, List<String> envp, String execfn,
            long[] aux, byte[] random, long[] argEnv) {
        long p = top;
        p = push(mem, p, "x86_64\0".getBytes(StandardCharsets.UTF_8));
        long platform = p;
        p = push(mem, p, random);
        long randomAt = p;
        p = push(mem, p, cstr(execfn));
        long execfnAt = p;
        long[] envAt = new long[envp.size()];
        for (int i = envp.size() - 1; i >= 0; i--) {
            p = push(mem, p, cstr(envp.get(i)));
            envAt[i] = p;
        }
        long[] argAt = new long[argv.size()];
        for (int i = argv.size() - 1; i >= 0; i--) {
            p = push(mem, p, cstr(argv.get(i)));
            argAt[i] = p;
        }
        // The strings lie end to end: argv's, then envp's, then execfn.
        argEnv[0] = p;
        argEnv[1] = envAt.length > 0 ? envAt[0] : execfnAt;
        argEnv[2] = argEnv[1];
        argEnv[3] = execfnAt;
        for (int i = 0; i < aux.length; i += 2) {
            if (aux[i] == Auxv.AT_RANDOM) aux[i + 1] = randomAt;
            else if (aux[i] == Auxv.AT_EXECFN) aux[i + 1] = execfnAt;
            else if (aux[i] == Auxv.AT_PLATFORM) aux[i + 1] = platform;
        }
        int words = 1 + argAt.length + 1 + envAt.length + 1 + aux.length + 2;
        long sp = (p - words * 8L) & ~15L;
        ByteBuffer b = ByteBuffer.allocate(words * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(argAt.length);
        for (long a : argAt) b.putLong(a);
        b.putLong(0);
        for (long e : envAt) b.putLong(e);
        b.putLong(0);
        for (long x : aux) b.putLong(x);
        b.putLong(Auxv.AT_NULL).putLong(0);
        mem.write(sp, b.array());
        return sp;
    }

    private static long push(Usermem mem, long p, byte[] data) {
        long at = p - data.length;
        mem.write(at, data);
        return at;
    }

    private static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
