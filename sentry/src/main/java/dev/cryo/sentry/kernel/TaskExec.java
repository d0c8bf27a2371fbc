package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.ELOOP;
import static dev.cryo.sentry.abi.Errno.ENOEXEC;

import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.loader.ElfLoader;
import dev.cryo.sentry.loader.LoadedImage;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.FsContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * execve (Linux's fs/exec.c with binfmt_script and binfmt_elf): the new image is built in a new
 * memory manager first; only once it has loaded does the task give up its old one (the point
 * of no return), so a failed exec leaves the caller as it was.
 */
final class TaskExec {
    private TaskExec() {}

    /** BINPRM_BUF_SIZE: what is read of the file to recognise its format. */
    private static final int HEADER = 256;
    /** Interpreter levels (#! naming a #! script...) before ELOOP, as exec_binprm's depth. */
    private static final int MAX_DEPTH = 5;

    /** Kernel lock held, on the task's thread. {@code dir} is where a relative path starts. */
    static void exec(Task t, String dir, String path, String filename, List<String> argv, List<String> envp) {
        Kernel k = t.kernel;
        FsContext from = t.fs.copy();
        from.setCwd(dir);
        List<String> args = new ArrayList<>(argv);
        // An empty argv gets "" as argv[0], so that argc is never 0 (do_execveat_common).
        if (args.isEmpty()) args.add("");
        MappingSource file = k.vfs().openExecutable(from, path, t.creds.fsuid, t.creds.fsgid, t.creds.groups);
        String comm = filename.substring(filename.lastIndexOf('/') + 1);
        for (int depth = 0;; depth++) {
            if (depth > MAX_DEPTH) throw SyscallError.of(ELOOP);
            byte[] head = header(file);
            if (head.length < 2 || head[0] != '#' || head[1] != '!') break;
            String[] interp = parseShebang(head);
            // binfmt_script: argv[0] goes; interpreter, its argument, the script's name come first.
            args.remove(0);
            args.add(0, depth == 0 ? filename : path);
            if (interp[1] != null) args.add(0, interp[1]);
            args.add(0, interp[0]);
            path = interp[0];
            file = k.vfs().openExecutable(from, path, t.creds.fsuid, t.creds.fsgid, t.creds.groups);
        }
        MemoryManager mm = new MemoryManager(k.memoryFile(), t.mm.minAddress(), t.mm.maxAddress());
        LoadedImage image;
        try {
            FsContext fs = from;
            image = ElfLoader.load(mm, file, filename, args, envp,
                    ElfLoader.Identity.of(t.creds.ruid, t.creds.euid, t.creds.rgid, t.creds.egid),
                    interp -> k.vfs().openExecutable(fs, interp, t.creds.fsuid, t.creds.fsgid, t.creds.groups));
        } catch (RuntimeException e) {
            mm.releaseAll();
            throw e;
        }
        try {
            TaskThreads.killOthers(t);
        } catch (RuntimeException e) {
            mm.releaseAll();
            throw e;
        }
        // The point of no return (begin_new_exec).
        MemoryManager old = t.mm;
        old.unmapAll();
        old.releaseAll();
        mm.attach(old.addressSpace());
        t.mm = mm;
        System.arraycopy(Regs.initial(image.entry(), image.stackPointer()), 0, t.regs, 0, t.regs.length);
        t.unshareFds(); // unshare_files: a table shared with another process is copied first
        t.fds.closeOnExec();
        t.signals.onExec(); // flush_signal_handlers, the alternate stack gone
        t.clearChildTid = 0;
        t.robustListHead = 0;
        t.robustListLen = 0;
        t.rseqAddr = 0;
        t.rseqLen = 0;
        t.rseqSig = 0;
        t.restartClock = -1;
        t.execPath = file.name();
        t.setComm(comm);
        ThreadGroup g = t.group;
        g.execed = true;
        if (g.vforkPending) { // the vfork parent runs on (mm_release's vfork_done)
            g.vforkPending = false;
            k.lock().wake();
        }
    }

    /** The first bytes of the file (fewer if it is shorter). */
    private static byte[] header(MappingSource file) {
        long buf = Host.allocate(HEADER);
        try {
            long n = 0;
            while (n < HEADER) {
                long r = file.readInto(buf + n, HEADER - n, n);
                if (r <= 0) break;
                n += r;
            }
            byte[] b = new byte[(int) n];
            Host.getBytes(buf, b, 0, (int) n);
            return b;
        } finally {
            Host.free(buf);
        }
    }

    /**
     * binfmt_script's parse of "#!interpreter [argument]": the interpreter ends at a blank, the
     * one optional argument is the rest of the line with blanks trimmed at both ends. ENOEXEC
     * without an interpreter, or when the line does not end within the first 256 bytes and the
     * interpreter's name runs to the end of them (it may be cut).
     */
    static String[] parseShebang(byte[] head) {
        int end = 2;
        while (end < head.length && head[end] != '\n') end++;
        boolean cut = end == head.length;
        int i = 2;
        while (i < end && (head[i] == ' ' || head[i] == '\t')) i++;
        int nameStart = i;
        while (i < end && head[i] != ' ' && head[i] != '\t' && head[i] != 0) i++;
        if (i == nameStart) throw SyscallError.of(ENOEXEC);
        if (cut && i == end) throw SyscallError.of(ENOEXEC);
        String name = new String(head, nameStart, i - nameStart, StandardCharsets.UTF_8);
        int argEnd = end;
        for (int j = i; j < end; j++) {
            if (head[j] == 0) {
                argEnd = j;
                break;
            }
        }
        while (i < argEnd && (head[i] == ' ' || head[i] == '\t')) i++;
        while (argEnd > i && (head[argEnd - 1] == ' ' || head[argEnd - 1] == '\t')) argEnd--;
        String arg = argEnd > i ? new String(head, i, argEnd - i, StandardCharsets.UTF_8) : null;
        return new String[] {name, arg};
    }
}
