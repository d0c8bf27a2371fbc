package dev.cryo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cryo logs [-f] ID}: what a detached sandbox wrote on stdout and stderr, also after it stopped. */
@Command(name = "logs", description = "Print a detached sandbox's output (stdout and stderr).",
        mixinStandardHelpOptions = true)
final class LogsCommand extends ControlCommand {
    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the sandbox stops.")
    boolean follow;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException, InterruptedException {
        states().find(id);
        Path log = states().dir(id).resolve(StateDir.LOG);
        OutputStream out = main.rawOut(); // bytes: the program's output is not ours to decode
        out().flush();
        if (!Files.exists(log)) return 0;
        try (InputStream in = Files.newInputStream(log)) {
            byte[] buf = new byte[65536];
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    out.write(buf, 0, n);
                    continue;
                }
                out.flush();
                if (!follow) break;
                // Stop once the JVM is gone and everything it wrote is read.
                if (!states().find(id).status().live()) {
                    in.transferTo(out);
                    break;
                }
                Thread.sleep(100);
            }
        }
        out.flush();
        return 0;
    }
}
