package dev.cryo.compat;

import org.junit.jupiter.api.Test;

/**
 * Issue #5 (threads and waits): the thread and epoll families' cases run in the three variants
 * with the other families (SyscallFamiliesTest); their save points come early, before most
 * threads or waits exist. Here the checkpoint lands while threads run, sleep and wait on
 * futexes, and while a process waits in epoll.
 */
class ThreadsTest {
    /** Four workers taking turns on a mutex and condition variable, a watcher, a joining main. */
    @Test
    void threadsTakingTurnsContinueExactlyAfterARestore() {
        // 1,300 to 1,500 calls in all under cryo (the futex waits vary); the points fall while every thread is alive.
        Differential.sameAfterCheckpointsAt(Program.of("thread-ckpt", CompatEnv.compiled("thread_ckpt")), 150, 500, 800);
    }

    /** A main thread in epoll_wait on two pipes, one fed by a child process, one by a thread. */
    @Test
    void aWaitInEpollContinuesAfterARestore() {
        // ~520 calls in all, most of them the waits and the reads between them.
        Differential.sameAfterCheckpointsAt(Program.of("epoll-ckpt", CompatEnv.compiled("epoll_ckpt")), 60, 250, 420);
    }

    /** The main thread of pid 1 has ended (pthread_exit) and another runs on: saved so, it restores. */
    @Test
    void aProcessWhoseMainThreadEndedRestores() {
        // Call 26 is the main thread's exit; the worker is in its 30 ms sleep.
        Differential.sameAfterCheckpointsAt(Program.of("thread-main-exits", CompatEnv.compiled("thread"), "main_exits_first"), 26);
    }
}
