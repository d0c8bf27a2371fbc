package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Platform;
import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.loader.ElfLoader;
import dev.cryo.sentry.loader.LoadedImage;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FsContext;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The root of all sandbox state (DESIGN.md rule 1): memory file, filesystem, tasks, counters.
 * Everything a checkpoint saves is reachable from here; what is transient is rebuilt on restore.
 */
public final class Kernel {
    private final MemoryFile memoryFile;
    private final VirtualFilesystem vfs;
    private final SyscallStats stats = new SyscallStats();
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    private int nextTid = 1;
    private String hostname = "cryo";
    /** The NIS domain name uname(2) reports; Linux's default. */
    private String domainname = "(none)";
    /** CLOCK_REALTIME and CLOCK_MONOTONIC at boot, ns: for uptime and sysinfo. */
    private final long bootRealtime;
    private final long bootMonotonic;

    private final transient Platform platform;
    private transient SyscallDispatcher dispatcher;
    /** Where --strace writes, or null. */
    private transient PrintStream strace;

    public Kernel(Platform platform, VirtualFilesystem vfs, SyscallDispatcher dispatcher) {
        this.platform = platform;
        this.vfs = vfs;
        this.dispatcher = dispatcher;
        this.memoryFile = new MemoryFile();
        this.bootRealtime = System.currentTimeMillis() * 1_000_000L;
        this.bootMonotonic = System.nanoTime();
    }

    public Platform platform() {
        return platform;
    }

    public MemoryFile memoryFile() {
        return memoryFile;
    }

    public VirtualFilesystem vfs() {
        return vfs;
    }

    public SyscallStats stats() {
        return stats;
    }

    public SyscallDispatcher dispatcher() {
        return dispatcher;
    }

    public String hostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String domainname() {
        return domainname;
    }

    public void setDomainname(String domainname) {
        this.domainname = domainname;
    }

    /** Nanoseconds since the sandbox booted (its CLOCK_BOOTTIME). */
    public long uptimeNanos() {
        return System.nanoTime() - bootMonotonic;
    }

    public long bootRealtimeNanos() {
        return bootRealtime;
    }

    public PrintStream strace() {
        return strace;
    }

    public void setStrace(PrintStream out) {
        this.strace = out;
    }

    public synchronized Map<Integer, Task> tasks() {
        return new TreeMap<>(tasks);
    }

    /**
     * Creates the sandbox's first process (pid 1) from the executable at {@code path}, on the
     * calling thread, which must then call {@link Task#run()}. {@code path} must be absolute;
     * {@code stdio} installs descriptors 0-2.
     */
    public Task startInit(String path, List<String> argv, List<String> envp, String cwd,
            java.util.function.Consumer<FdTable> stdio) {
        int tid = nextTid++;
        MemoryManager mm = new MemoryManager(memoryFile, platform.minUserAddress(), platform.maxUserAddress());
        AddressSpace as = platform.newAddressSpace(memoryFile.fd());
        Task t;
        try {
            mm.attach(as);
            t = new Task(this, tid, tid, Regs.initial(0, 0));
            t.mm = mm;
            t.fs = new FsContext();
            t.fs.setCwd(vfs.canonicalDirectory(cwd));
            t.fds = new FdTable((int) t.limits.soft(Limits.NOFILE));
            stdio.accept(t.fds);
            FsContext fs = t.fs;
            LoadedImage image = ElfLoader.load(mm, vfs.openExecutable(fs, path), path, argv, envp,
                    ElfLoader.Identity.of(t.creds.ruid, t.creds.euid, t.creds.rgid, t.creds.egid),
                    interp -> vfs.openExecutable(fs, interp));
            t.regs[Regs.RIP] = image.entry();
            t.regs[Regs.RSP] = image.stackPointer();
            t.execPath = path;
            t.setComm(path.substring(path.lastIndexOf('/') + 1));
            t.context = as.mainContext();
        } catch (RuntimeException e) {
            as.close();
            throw e;
        }
        synchronized (this) {
            tasks.put(tid, t);
        }
        return t;
    }

    void taskExited(Task t) {
        t.fds.closeAll();
        AddressSpace as = t.mm.addressSpace();
        if (as != null) as.close();
        synchronized (this) {
            tasks.remove(t.tid);
        }
    }

    /** strace's line for a signal that ends the task. */
    void traceSignal(Task t, int sig, int code, long addr) {
        PrintStream out = strace;
        if (out == null) return;
        out.printf("--- %s {si_signo=%s, si_code=%d, si_addr=0x%x} ---%n",
                Signals.name(sig), Signals.name(sig), code, addr);
    }
}
