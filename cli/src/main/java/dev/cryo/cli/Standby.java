package dev.cryo.cli;

import dev.cryo.platform.host.Host;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Standby hosting JVMs, a warm pool: {@code cryo standby -n N} starts hosting JVMs that load
 * their classes, build the syscall table and the state codec and start their platform, then
 * wait. {@code cryo restore -d} and {@code cryo run -d} hand their sandbox to one of them instead
 * of starting a JVM, which is most of what a detached start costs. A standby serves one sandbox,
 * then is gone: the pool is topped up by calling {@code standby -n N} again, off the path of the
 * restores.
 *
 * <p>The pool is the directory {@value #POOL} under the state root (no sandbox id holds an
 * {@code @}), mode 0700 like the root. A standby {@code TOKEN} keeps its output in
 * {@code TOKEN.log} until it takes a sandbox, and says it is ready with {@code TOKEN.ready}
 * ("PID START_TIME"). A client claims it by renaming that to {@code TOKEN.taken} (a rename
 * succeeds for one client only), then puts its request in {@code TOKEN.request}. All of it is
 * plain files on the client's side: a socket, the JDK's or the platform's, cost a client's
 * start 20-35 ms here (measured), more than the rest of a hand-over. The standby watches the
 * directory (inotify); one whose ready file disappears unclaimed (the root removed), or whose
 * claim brings no request in {@link #CLAIM_TIMEOUT_MS}, exits.
 */
final class Standby {
    static final String POOL = "@standby";
    private static final String READY = ".ready", TAKEN = ".taken", REQUEST = ".request", LOG = ".log";
    /** The requests a standby takes: host a sandbox (the {@code sandbox-host} arguments follow), or exit. */
    private static final String HOST = "host", STOP = "stop";
    /** How long {@code standby -n} waits for a new standby to become ready. */
    private static final long READY_TIMEOUT_MS = 60_000;
    /** How long a claimed standby waits for its request (its client died in between). */
    private static final long CLAIM_TIMEOUT_MS = 10_000;
    /** A request's argument count is bounded: a standby reads nothing unbounded. */
    private static final int MAX_ARGS = 100_000;

    private Standby() {}

    static Path pool(StateDir states) {
        return states.root().resolve(POOL);
    }

    /** The ready files of the standbys waiting, in name order. */
    static List<Path> ready(StateDir states) throws IOException {
        List<Path> out = new ArrayList<>();
        Path pool = pool(states);
        if (!Files.isDirectory(pool)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pool, "*" + READY)) {
            for (Path p : ds) out.add(p);
        }
        out.sort(null);
        return out;
    }

    /**
     * Starts standbys until {@code n} are ready, or stops the ones past {@code n}; returns how
     * many are ready. A standby that fails to start is reported on {@code err} with its log.
     */
    static int resize(StateDir states, int n, PrintWriter err) throws IOException {
        List<Path> ready = ready(states);
        for (int i = n; i < ready.size(); i++) hand(ready.get(i), STOP, List.of());
        int have = live(states);
        if (have >= n) return have;
        Path pool = pool(states);
        Files.createDirectories(states.root(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.isDirectory(pool)) {
            Files.createDirectories(pool, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        List<Process> started = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = have; i < n; i++) {
            String token = StateDir.newId();
            List<String> cmd = Detach.hostCommand(states);
            cmd.add("--standby");
            cmd.add(token);
            try {
                started.add(Detach.spawn(cmd, pool.resolve(token + LOG)));
            } catch (IOException e) {
                throw new CryoException("cannot start a standby JVM: " + Main.describe(e));
            }
            tokens.add(token);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        for (int i = 0; i < started.size(); i++) {
            Path readyFile = pool.resolve(tokens.get(i) + READY);
            Process p = started.get(i);
            while (!Files.exists(readyFile) && p.isAlive() && System.nanoTime() < deadline) sleep(5);
            if (!Files.exists(readyFile)) {
                p.destroyForcibly();
                Path log = pool.resolve(tokens.get(i) + LOG);
                String said = Files.exists(log) ? Files.readString(log).strip() : "";
                err.println("cryo: a standby JVM did not start" + (said.isEmpty() ? "" : ": " + said));
                err.flush();
                Files.deleteIfExists(log);
            }
        }
        return live(states);
    }

    /** How many standbys are ready and alive; removes what dead ones left. */
    static int live(StateDir states) throws IOException {
        int n = 0;
        for (Path p : ready(states)) {
            if (process(p) != null) n++;
        }
        return n;
    }

    /**
     * Hands sandbox {@code id} (its {@code sandbox-host} arguments after {@code --id ID}) to a
     * ready standby, then waits for it to start as {@link Detach#start} does; returns that
     * status, or null if no standby took it (none ready, or all taken meanwhile). The sandbox's
     * directory is made here, before the standby moves its output into the log there.
     */
    static Integer claim(StateDir states, String id, List<String> hostArgs, PrintWriter out, PrintWriter err)
            throws IOException {
        List<Path> ready = ready(states);
        if (ready.isEmpty()) return null;
        List<String> args = new ArrayList<>(List.of("--id", id));
        args.addAll(hostArgs);
        states.create(id);
        for (Path r : ready) {
            HostProcess host = hand(r, HOST, args);
            if (host == null) continue;
            return Detach.await(states, id, host::alive, () -> Host.kill((int) host.pid(), 9), () -> {
                for (int i = 0; i < 500 && host.alive(); i++) sleep(10);
                return -1; // not our child: its status is not ours to read
            }, out, err);
        }
        states.remove(id);
        return null;
    }

    /** The standby that wrote ready file {@code ready}, if it lives; else null, and its files are removed. */
    private static HostProcess process(Path ready) throws IOException {
        HostProcess h;
        try {
            String[] f = Files.readString(ready).strip().split(" ");
            h = new HostProcess(Long.parseLong(f[0]), Long.parseLong(f[1]));
        } catch (NoSuchFileException e) {
            return null; // taken meanwhile
        } catch (IOException | RuntimeException e) {
            h = null; // cut short: its JVM died while writing it
        }
        if (h != null && h.alive()) return h;
        Files.deleteIfExists(ready);
        Files.deleteIfExists(sibling(ready, LOG));
        return null;
    }

    /**
     * Claims the standby of {@code ready} and gives it one request; returns its process, or null
     * if it was taken by another client first or its JVM is gone.
     */
    private static HostProcess hand(Path ready, String verb, List<String> args) throws IOException {
        HostProcess h = process(ready);
        if (h == null) return null;
        try {
            Files.move(ready, sibling(ready, TAKEN), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return null; // another client's
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bytes);
        o.writeUTF(verb);
        o.writeInt(args.size());
        for (String a : args) o.writeUTF(a);
        Path request = sibling(ready, REQUEST);
        Path tmp = sibling(ready, REQUEST + ".tmp");
        Files.write(tmp, bytes.toByteArray());
        Files.move(tmp, request, StandardCopyOption.ATOMIC_MOVE); // whole, or not there
        return h;
    }

    private static Path sibling(Path p, String suffix) {
        String name = p.getFileName().toString();
        return p.resolveSibling(name.substring(0, name.lastIndexOf('.')) + suffix);
    }

    /**
     * In a standby JVM, once it is ready: says so, and waits for one request. Returns the
     * {@code sandbox-host} arguments to host a sandbox with; null if asked to stop, or if the
     * ready file went away unclaimed, or a claim brought no request in time. Leaves none of
     * its files behind (its output is still the pool's log, unlinked: the caller moves it).
     */
    static List<String> serve(StateDir states, String token) throws IOException, InterruptedException {
        Path pool = pool(states);
        Path ready = pool.resolve(token + READY), taken = pool.resolve(token + TAKEN),
                request = pool.resolve(token + REQUEST);
        try (WatchService watch = pool.getFileSystem().newWatchService()) {
            pool.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            HostProcess self = HostProcess.self();
            Path tmp = pool.resolve(token + READY + ".tmp");
            Files.writeString(tmp, self.pid() + " " + self.startTime() + "\n");
            Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
            long claimedAt = -1;
            while (!Files.exists(request)) {
                if (!Files.exists(ready)) {
                    if (!Files.exists(taken)) return null; // removed from under us
                    if (claimedAt < 0) claimedAt = System.nanoTime();
                    if (System.nanoTime() - claimedAt > TimeUnit.MILLISECONDS.toNanos(CLAIM_TIMEOUT_MS)) return null;
                }
                var key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(request)));
            String verb = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > MAX_ARGS) throw new IOException("a request of " + n + " arguments");
            List<String> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) args.add(in.readUTF());
            return verb.equals(HOST) ? args : null;
        } finally {
            Files.deleteIfExists(ready);
            Files.deleteIfExists(taken);
            Files.deleteIfExists(request);
            Files.deleteIfExists(pool.resolve(token + LOG));
        }
    }

    /** Points this process's stdout and stderr at {@code log} (appending), as a detached host's are. */
    static void redirectOutput(Path log) {
        System.out.flush();
        System.err.flush();
        int fd = Host.openat(-100 /* AT_FDCWD */, log.toString(),
                01 | 0100 | 02000 | 02000000 /* O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC */, 0600);
        try {
            Host.dup3(fd, 1, 0);
            Host.dup3(fd, 2, 0);
        } finally {
            Host.close(fd);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CryoException("interrupted");
        }
    }
}
