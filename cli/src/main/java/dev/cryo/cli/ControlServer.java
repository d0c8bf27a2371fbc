package dev.cryo.cli;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.abi.Signals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Serves {@code control.sock} in the JVM that hosts a sandbox, on its own threads while the main
 * thread runs the sandbox. One request per connection, one line of UTF-8:
 * <pre>
 *   pause | resume | kill SIGNO | checkpoint LEAVE_RUNNING(0|1) IMAGE_DIR | wait
 *   checkpoint-store LEAVE_RUNNING(0|1) STORE_DIR TAB NAME[:TAG] (or -)
 * </pre>
 * answered by {@code ok}, {@code ok SNAPSHOT_ID} (checkpoint-store) or {@code error MESSAGE}, after which the server closes the connection.
 * {@code wait} is never answered: the connection ends when the JVM does. Who may connect is
 * decided by the directory's mode (0700), as for runc's and containerd's sockets.
 */
final class ControlServer {
    private final SandboxHost host;
    private final Sandbox sandbox;
    private final Path socket;
    private final ServerSocketChannel server;
    /** Control operations run one at a time: a pause must not race a checkpoint. */
    private final Object opLock = new Object();

    private ControlServer(SandboxHost host, Sandbox sandbox, Path socket, ServerSocketChannel server) {
        this.host = host;
        this.sandbox = sandbox;
        this.socket = socket;
        this.server = server;
    }

    /** Binds the socket in {@code dir} and starts accepting on a daemon thread. */
    static ControlServer start(SandboxHost host, Sandbox sandbox, Path dir) throws IOException {
        Path socket = dir.resolve(StateDir.SOCKET);
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        ControlServer cs = new ControlServer(host, sandbox, socket, server);
        Thread t = new Thread(cs::acceptLoop, "cryo-control");
        t.setDaemon(true);
        t.start();
        return cs;
    }

    /**
     * Returns once no request is being handled or answered. The sandbox stops as a result of a
     * request (kill, checkpoint) before the request returns, so the JVM must not exit until the
     * client has its "ok": otherwise it sees the connection close and thinks the request failed.
     */
    void quiesce() {
        synchronized (opLock) {
            // nothing: taking the lock is the point
        }
    }

    private boolean closed; // guarded by this

    /**
     * Stops accepting and removes the socket, so that clients see the sandbox is gone. Once
     * only: a sandbox restored under the same id may have bound a socket there since.
     */
    synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the JVM is exiting; a stale socket is detected by the pid check
        }
    }

    private void acceptLoop() {
        // Started by the pinned tracer thread of the main task: a checkpoint served from here
        // (and the store's workers it starts) would otherwise share that one CPU.
        Host.unpinCurrentThread();
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            Thread t = new Thread(() -> serve(ch), "cryo-control-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) return;
            if (line.equals("wait")) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (ch.read(buf) >= 0) buf.clear(); // until the client goes away or we exit
                return;
            }
            // The answer is sent under the lock too: see quiesce.
            synchronized (opLock) {
                String answer;
                try {
                    String result = handle(line, ch);
                    answer = result == null ? "ok" : "ok " + result;
                } catch (RuntimeException | IOException e) {
                    answer = "error " + message(e);
                }
                reply(ch, answer);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Serves one request; returns what to answer after "ok", or null. */
    private String handle(String line, SocketChannel ch) throws IOException {
        String[] w = line.split(" ", 3);
        switch (w[0]) {
            case "pause" -> {
                requireLive();
                sandbox.pause();
                host.setStatus(SandboxState.Status.PAUSED);
            }
            case "resume" -> {
                requireLive();
                sandbox.resume();
                host.setStatus(SandboxState.Status.RUNNING);
            }
            case "kill" -> {
                int sig = Integer.parseInt(w[1]);
                if (!Signals.valid(sig)) throw new IllegalArgumentException("invalid signal " + sig);
                requireLive();
                sandbox.kill(sig);
            }
            case "checkpoint" -> {
                requireLive();
                boolean leaveRunning = w[1].equals("1");
                Path image = Path.of(w[2]);
                if (!leaveRunning) host.checkpointingTo(image);
                try {
                    sandbox.checkpoint(image, leaveRunning);
                } catch (RuntimeException | IOException e) {
                    if (!leaveRunning) host.checkpointingTo(null);
                    throw e;
                }
                if (!leaveRunning) stopped();
            }
            case "checkpoint-store" -> {
                requireLive();
                boolean leaveRunning = w[1].equals("1");
                int tab = w[2].lastIndexOf('\t');
                if (tab < 0) throw new IllegalArgumentException("checkpoint-store needs STORE TAB NAME");
                Path storeDir = Path.of(w[2].substring(0, tab));
                String name = w[2].substring(tab + 1);
                if (!leaveRunning) host.checkpointingTo(Path.of("snapshot"));
                String snapshot;
                try {
                    snapshot = host.checkpointToStore(sandbox, storeDir, name.equals("-") ? null : name, leaveRunning);
                } catch (RuntimeException | IOException e) {
                    if (!leaveRunning) host.checkpointingTo(null);
                    throw e;
                }
                if (!leaveRunning) stopped();
                return snapshot;
            }
            default -> throw new IllegalArgumentException("unknown request '" + w[0] + "'");
        }
        return null;
    }

    /**
     * A stopping checkpoint has saved the sandbox: the socket goes (this request's connection
     * stays open for its answer), then the state says checkpointed. The client returns on that,
     * while this JVM still takes its sandbox down; the order is the one of {@link SandboxHost}'s
     * end, so whoever sees the state finds no socket left behind.
     */
    private void stopped() {
        close();
        host.recordCheckpointed();
    }

    private void requireLive() {
        if (!host.live()) throw new IllegalStateException("sandbox is not running");
    }

    private static void reply(SocketChannel ch, String answer) throws IOException {
        ch.write(ByteBuffer.wrap((answer.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** As the CLI words it: the JDK's file exceptions carry only the path. */
    private static String message(Exception e) {
        return Main.describe(e);
    }
}
