package dev.cryo.sentry;

import dev.cryo.sentry.vfs.VirtualFilesystem;

/** Finds the program to start, as execvp(3) would inside the sandbox. */
final class ProgramLookup {
    private ProgramLookup() {}

    static String resolve(VirtualFilesystem vfs, String cwd, String program, String pathVar) {
        if (program.contains("/")) {
            return program.startsWith("/") ? program : (cwd.endsWith("/") ? cwd : cwd + "/") + program;
        }
        if (pathVar != null) {
            for (String dir : pathVar.split(":")) {
                if (dir.isEmpty()) dir = cwd;
                String candidate = (dir.endsWith("/") ? dir : dir + "/") + program;
                if (vfs.isExecutableFile(candidate)) return candidate;
            }
        }
        throw new Sandbox.StartException(program + ": executable file not found in $PATH", 127);
    }
}
