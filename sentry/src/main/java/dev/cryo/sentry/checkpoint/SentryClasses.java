package dev.cryo.sentry.checkpoint;

import dev.cryo.sentry.fs.dev.DevDevices;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.fs.host.HostDirectory;
import dev.cryo.sentry.fs.host.HostFile;
import dev.cryo.sentry.fs.host.HostFilesystem;
import dev.cryo.sentry.fs.host.HostIdentity;
import dev.cryo.sentry.fs.host.HostPathFile;
import dev.cryo.sentry.fs.host.HostStdio;
import dev.cryo.sentry.fs.host.MaskedDirectory;
import dev.cryo.sentry.kernel.Credentials;
import dev.cryo.sentry.kernel.IntervalTimer;
import dev.cryo.sentry.kernel.ProcessSignals;
import dev.cryo.sentry.kernel.SigInfo;
import dev.cryo.sentry.kernel.SignalHandlers;
import dev.cryo.sentry.kernel.SignalLock;
import dev.cryo.sentry.kernel.SignalQueue;
import dev.cryo.sentry.kernel.TaskSignals;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Limits;
import dev.cryo.sentry.kernel.SignalAction;
import dev.cryo.sentry.kernel.SyscallStats;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.ThreadGroup;
import dev.cryo.sentry.mm.Share;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.mm.Vma;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.FsContext;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import dev.cryo.serializer.ClassRegistry;

/**
 * Every class a kernel image may contain, with its id: the part of the image format that says
 * what the bytes of the kernel-state section can become. Ids are forever: never renumber or
 * reuse one; a class that goes away leaves its id unused. Each package has a block, with room
 * to grow: kernel 100-149, memory 150-159, mm 160-199, vfs 200-249, fs.host 250-279,
 * fs.dev 280-299, the rest (pipes, tmpfs, procfs, sockets...) from 300, where blocks are handed
 * out per piece of work and may hold classes of any package (issue #5: processes and pipes
 * 300-349, signals and timers 350-399, Unix socket pairs 400-409). Ids below 100 are the
 * JDK types of {@link ClassRegistry#withJdkTypes()} (the registers are a plain long[]).
 *
 * <p>Abstract types and interfaces (FileDescription, Filesystem, Devices) are not registered:
 * only the concrete classes that can stand in for them. An array of a class is its own class
 * for Kryo and needs its own id. {@code SentryClassesTest} checks that the list covers the graph.
 */
public final class SentryClasses {
    private SentryClasses() {}

    public static ClassRegistry registry() {
        return ClassRegistry.withJdkTypes()
                // kernel
                .register(100, Kernel.class)
                .register(101, Task.class)
                .register(102, Credentials.class)
                .register(103, Limits.class)
                .register(104, SignalAction.class)
                .register(105, SignalAction[].class)
                .register(106, SyscallStats.class)
                // kernel: signals and timers (350-399)
                .register(350, SigInfo.class)
                .register(351, SignalQueue.class)
                .register(352, SignalHandlers.class)
                .register(353, ProcessSignals.class)
                .register(354, TaskSignals.class)
                .register(355, SignalLock.class)
                .register(356, IntervalTimer.class)
                .register(357, IntervalTimer[].class)
                // memory
                .register(150, MemoryFile.class)
                // mm
                .register(160, MemoryManager.class)
                .register(161, Vma.class)
                // vfs
                .register(200, VirtualFilesystem.class)
                .register(201, FdTable.class)
                .register(202, FileDescription[].class)
                .register(203, FsContext.class)
                .register(204, dev.cryo.sentry.vfs.Flock.class)
                // fs.host
                .register(250, HostFilesystem.class)
                .register(251, HostIdentity.class)
                .register(252, HostFile.class)
                .register(253, HostDirectory.class)
                .register(254, HostPathFile.class)
                .register(255, HostStdio.class)
                .register(256, MaskedDirectory.Listing.class)
                // fs.dev
                .register(280, DevDevices.class)
                .register(281, Device.class)
                .register(282, DevFile.class)
                // processes, pipes and the kernel lock (issue #5, ids 300-349)
                .register(300, ThreadGroup.class)
                .register(301, KernelLock.class)
                .register(302, Share.class)
                .register(303, Pipe.class)
                .register(304, PipeFile.class)
                .register(305, dev.cryo.sentry.fs.pipe.PipePage.class)
                .register(306, dev.cryo.sentry.fs.epoll.EpollFile.class)
                .register(307, dev.cryo.sentry.fs.epoll.EpollFile.Interest.class)
                .register(308, dev.cryo.sentry.fs.anon.EventFdFile.class)
                .register(309, dev.cryo.sentry.fs.anon.TimerFdFile.class)
                .register(310, dev.cryo.sentry.kernel.PidFdFile.class)
                .register(358, dev.cryo.sentry.kernel.SignalFdFile.class)
                // Unix socket pairs (400-409)
                .register(400, dev.cryo.sentry.fs.socket.UnixSocket.class)
                .register(401, dev.cryo.sentry.fs.socket.Segment.class)
                // the Sentry's /proc (410-419)
                .register(410, dev.cryo.sentry.kernel.proc.ProcFilesystem.class)
                .register(411, dev.cryo.sentry.kernel.proc.ProcFile.class)
                .register(412, dev.cryo.sentry.kernel.proc.ProcDir.class);
    }
}
