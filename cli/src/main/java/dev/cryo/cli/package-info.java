/**
 * The {@code cryo} command line (picocli), following runc and runsc: flags, exit statuses, output.
 *
 * <p>Foreground {@code run} and {@code restore} host the sandbox in the cryo process itself. A
 * detached sandbox ({@code run -d}, {@code restore -d}) lives in a JVM of its own
 * ({@link dev.cryo.cli.SandboxHost}, started by {@link dev.cryo.cli.Detach}), known to other cryo
 * commands through the state directory ({@link dev.cryo.cli.StateDir}: {@code <root>/<id>/} with
 * {@code state.json}, {@code log} and {@code control.sock}) and driven through the control socket
 * ({@link dev.cryo.cli.ControlServer}, {@link dev.cryo.cli.ControlClient}).
 *
 * <p>Lock order in the hosting JVM: {@code ControlServer.opLock} before the {@code SandboxHost}
 * monitor (which guards the state and is held while {@code state.json} is written).
 */
package dev.cryo.cli;
