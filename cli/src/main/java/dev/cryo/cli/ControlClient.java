package dev.cryo.cli;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Asks a hosting JVM to act on its sandbox through the control socket. The protocol (see
 * {@link ControlServer}): one request per connection, a line {@code VERB [ARGS]}; the answer is
 * {@code ok} or {@code error MESSAGE}, then the server closes the connection.
 *
 * <p>The socket is the platform's ({@link Host#connectUnix}), not a JDK SocketChannel: the
 * client commands are short-lived, and setting up the JDK's costs one ~45 ms (measured), a
 * sixth of a 200 MiB checkpoint's target.
 */
final class ControlClient {
    private ControlClient() {}

    private static final int EINTR = 4;

    /**
     * Sends {@code request} to the sandbox whose directory is {@code dir}; returns what followed
     * {@code ok} in the answer ("" if nothing). A refusal is a CryoException with the server's
     * message; an unreachable socket (the JVM died or is exiting) is an IOException.
     */
    static String call(Path dir, String id, String request) throws IOException {
        int fd = connect(dir);
        try {
            send(fd, request + "\n");
            String answer = readLine(fd);
            if (answer == null) throw new IOException("sandbox " + id + " exited before it answered");
            if (answer.equals("ok")) return "";
            if (answer.startsWith("ok ")) return answer.substring(3);
            if (answer.startsWith("error ")) throw new CryoException(answer.substring(6));
            throw new IOException("sandbox " + id + " answered '" + answer + "'");
        } finally {
            Host.close(fd);
        }
    }

    /**
     * Blocks until the hosting JVM exits: it never answers a {@code wait}, and the kernel closes
     * the connection when the process ends, however it ends.
     */
    static void awaitExit(Path dir) throws IOException {
        int fd = connect(dir);
        try {
            send(fd, "wait\n");
            while (readLine(fd) != null) {
                // nothing is expected; read to the end
            }
        } finally {
            Host.close(fd);
        }
    }

    private static int connect(Path dir) throws IOException {
        try {
            return Host.connectUnix(dir.resolve(StateDir.SOCKET).toString());
        } catch (HostException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static void send(int fd, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        long buf = Host.allocate(b.length);
        try {
            Host.putBytes(buf, b, 0, b.length);
            for (long done = 0; done < b.length; ) {
                try {
                    done += Host.write(fd, buf + done, b.length - done);
                } catch (HostException e) {
                    if (e.errno() != EINTR) throw new IOException(e.getMessage());
                }
            }
        } finally {
            Host.free(buf);
        }
    }

    /** The next line (without its newline), or null at the end of the stream. */
    private static String readLine(int fd) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long buf = Host.allocate(1);
        try {
            while (true) {
                long n;
                try {
                    n = Host.read(fd, buf, 1); // a byte at a time: answers are one short line
                } catch (HostException e) {
                    if (e.errno() != EINTR) throw new IOException(e.getMessage());
                    continue;
                }
                if (n == 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                byte c = Host.getByte(buf);
                if (c == '\n') return line.toString(StandardCharsets.UTF_8);
                line.write(c);
            }
        } finally {
            Host.free(buf);
        }
    }
}
