# The systrap platform's stub code (platform/.../systrap/StubCode.java is generated from this file
# by gen-systrap-stub; Block and SystrapContext are the Sentry's side of it). AT&T syntax, x86-64.
#
# Every application thread is a thread of a stub process that runs the application's code
# directly. A seccomp filter traps every system call made outside this page (SIGSYS); faults
# raise their own signals. All of them land in `handler`, on the thread's alternate stack inside
# its block of the shared context region, which copies the registers out, hands the block to
# the Sentry (state SENTRY) and waits on the block's futex until the Sentry says RUN (registers
# copied back, return through rt_sigreturn) or CALL (one system call made here, for the Sentry:
# mmap, munmap, mprotect, clone, exit).
#
# A block (BLOCK bytes, aligned): see the offsets below; below STACK, a new thread's start stack
# (block 0: the set-up's scratch), [STACK, BLOCK) the thread's alternate signal stack.

        .set CTX, 0x7ff000100000       # the context region (block 0 is the first thread's)
        .set BLOCK, 65536
        .set STATE, 0                  # u32: SENTRY 1, RUN 2, CALL 3
        .set SIG, 4                    # u32: the signal that brought the thread here
        .set FPREGS, 8                 # u64: the frame's FP state (stub address)
        .set GREGS, 16                 # 23 x u64: ucontext's gregs
        .set INFO, 200                 # 128 bytes: siginfo
        .set CALLNR, 328               # u64 nr, then 6 x u64 arguments
        .set RESULT, 384               # u64
        .set FSBASE, 392
        .set GSBASE, 400
        .set PPID, 408                 # block 0 only: the Sentry's pid (the stub exits once orphaned)
        .set TIMEOUT, 416              # block 0 only: struct timespec, the wait's period
        .set CLOCK, 448                # the Sentry's own: where it reads the stub's CPU clock
        .set STACK, 4096               # top of the start stack, bottom of the signal stack
        .set SENTRY, 1
        .set RUN, 2
        .set CALL, 3
        .set SPINS, 20                 # sched_yields before sleeping on the futex

        .text
        .globl _start
_start:
spin:   jmp spin                       # a new stub waits here to be seized
inject: syscall                        # ptrace's injected calls during set-up
        int3
park:   ud2                            # a thread reports ready: SIGILL, at this address
restorer:
        mov $15, %eax                  # rt_sigreturn
        syscall

handler:                               # rdi = signal, rsi = siginfo, rdx = ucontext
        mov %rsp, %r15
        and $-BLOCK, %r15              # this thread's block
        mov %rdx, %r14
        mov %edi, SIG(%r15)
        rdfsbase %rax
        mov %rax, FSBASE(%r15)
        rdgsbase %rax
        mov %rax, GSBASE(%r15)
        mov %rsi, %r13
        lea 40(%r14), %rsi             # uc_mcontext.gregs
        lea GREGS(%r15), %rdi
        mov $23, %ecx
        rep movsq
        mov %r13, %rsi
        lea INFO(%r15), %rdi
        mov $16, %ecx
        rep movsq
        mov 224(%r14), %rax            # uc_mcontext.fpregs
        mov %rax, FPREGS(%r15)

report: movl $SENTRY, STATE(%r15)
        mov $202, %eax                 # futex(&state, FUTEX_WAKE, 1)
        mov %r15, %rdi
        mov $1, %esi
        mov $1, %edx
        syscall

wait:   mov $SPINS, %ebx
1:      mov STATE(%r15), %eax
        cmp $SENTRY, %eax
        jne got
        sub $1, %ebx
        jb 2f
        mov $24, %eax                  # sched_yield: a waiting thread gives way to a woken one
        syscall
        jmp 1b
2:
        mov $202, %eax                 # futex(&state, FUTEX_WAIT, SENTRY, &timeout)
        mov %r15, %rdi
        xor %esi, %esi
        mov $SENTRY, %edx
        movabs $CTX+TIMEOUT, %r10
        syscall
        cmp $-110, %rax                # ETIMEDOUT: is the Sentry still there?
        jne wait
        mov $110, %eax                 # getppid
        syscall
        movabs $CTX+PPID, %rdx
        cmp (%rdx), %rax
        je wait
        mov $231, %eax                 # exit_group: orphaned
        mov $1, %edi
        syscall

got:    cmp $RUN, %eax
        je run
        cmp $CALL, %eax
        jne report                     # anything else: back to the Sentry
        mov CALLNR(%r15), %rax
        mov CALLNR+8(%r15), %rdi
        mov CALLNR+16(%r15), %rsi
        mov CALLNR+24(%r15), %rdx
        mov CALLNR+32(%r15), %r10
        mov CALLNR+40(%r15), %r8
        mov CALLNR+48(%r15), %r9
        syscall
        mov %rsp, %rdx                 # a clone's new thread runs on in another block's start
        and $-BLOCK, %rdx              # stack: the parent's block is not its to read
        cmp %r15, %rdx
        jne child
        mov %rax, RESULT(%r15)
        jmp report

run:    lea GREGS(%r15), %rsi
        lea 40(%r14), %rdi
        mov $23, %ecx
        rep movsq
        mov FSBASE(%r15), %rax
        wrfsbase %rax
        mov GSBASE(%r15), %rax
        wrgsbase %rax
        ret                            # to the restorer

child:  mov %rsp, %r15                 # the start stack's top: just inside the new block
        sub $1, %r15
        and $-BLOCK, %r15
        sub $32, %rsp
        lea STACK(%r15), %rax          # sigaltstack({ss_sp, 0, BLOCK - STACK})
        mov %rax, (%rsp)
        movq $0, 8(%rsp)
        movq $BLOCK-STACK, 16(%rsp)
        mov $131, %eax
        mov %rsp, %rdi
        xor %esi, %esi
        syscall
        movq $0, (%rsp)                # rt_sigprocmask(SIG_SETMASK, {}, NULL, 8): the clone
        mov $14, %eax                  # inherited the handler's full mask
        mov $2, %edi
        mov %rsp, %rsi
        xor %edx, %edx
        mov $8, %r10d
        syscall
        jmp park
