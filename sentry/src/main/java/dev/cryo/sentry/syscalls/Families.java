package dev.cryo.sentry.syscalls;

/** Every family of system calls, registered into the table in one place. */
final class Families {
    private Families() {}

    static void registerAll(SyscallTable t) {
        SysMmap.register(t);
        SysProcess.register(t);
        SysRefused.register(t);
        SysIdentity.register(t);
        SysTime.register(t);
        SysInfo.register(t);
        SysLimits.register(t);
        SysSignal.register(t);
        SysKill.register(t);
        SysTimer.register(t);
        SysFile.register(t);
        SysReadWrite.register(t);
        SysSendfile.register(t);
        SysStat.register(t);
        SysDir.register(t);
        SysFcntl.register(t);
        SysXattr.register(t);
        SysSched.register(t);
        SysFork.register(t);
        SysWait.register(t);
        SysPgrp.register(t);
        SysExec.register(t);
        SysPipe.register(t);
        SysSocket.register(t);
        SysPidfd.register(t);
        SysNuma.register(t);
        SysPoll.register(t);
        SysFutex.register(t);
        SysEpoll.register(t);
        SysEventTimerFd.register(t);
        SysSignalFd.register(t);
    }
}
