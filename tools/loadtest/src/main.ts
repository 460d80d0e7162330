import { runCli } from './cli.js';

const stop = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\nstopping: finishing in-flight requests and writing partial results (Ctrl-C again to quit now)\n');
  stop.abort();
});

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.env.INIT_CWD ?? process.cwd(),
  env: process.env,
  stop: stop.signal,
});
process.exitCode = code;
// Idle keep-alive sockets must not hold the process open once everything is written.
setTimeout(() => process.exit(code), 200).unref();
