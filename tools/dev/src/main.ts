/**
 * `npm start`: the local multi-service run. Starts the LLM emulator, the Cosmos-compatible server and
 * every service as its own Node process, waits for every /ready, prints the URLs and the development
 * key, prefixes each process's log lines, and stops everything on Ctrl-C.
 */
import { connect } from 'node:net';
import { parseArgs, USAGE, UsageError } from './args.js';
import { DEV_ADMIN_KEY, DEV_API_KEY, SERVICES } from './services.js';
import { startStack, type Stack } from './stack.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tty = process.stdout.isTTY;
const COLORS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];
const colorOf = new Map<string, number>();

function say(msg: string): void {
  process.stdout.write(`${tty ? '\x1b[1m' : ''}[dev]${tty ? '\x1b[0m' : ''} ${msg}\n`);
}

function printLine(label: string, line: string): void {
  const name = label.split('#')[0] as string;
  if (!colorOf.has(name)) colorOf.set(name, COLORS[colorOf.size % COLORS.length] as number);
  const prefix = tty ? `\x1b[${colorOf.get(name)}m${label.padEnd(22)}\x1b[0m│ ` : `${label.padEnd(22)}| `;
  process.stdout.write(prefix + line + '\n');
}

/** PING over a raw socket, so the runner itself needs no Redis client. */
function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (u.password) socket.write(`AUTH ${decodeURIComponent(u.password)}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (buf) => done(buf.toString().includes('PONG')));
  });
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), SERVICES.map((s) => s.name));
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(err.message + '\n');
      process.stderr.write(USAGE + '\n');
      process.exit(err.message ? 2 : 0);
    }
    throw err;
  }

  if (!(await pingRedis(redisUrl))) {
    process.stderr.write(
      `Redis is not reachable at ${redisUrl}.\n` +
        'Start it with:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n' +
        '(install with: apt-get install redis-server), or set REDIS_URL to a reachable Redis.\n',
    );
    process.exit(1);
  }

  const running: { stack?: Stack } = {};
  let stopping = false;
  let exitedDuringStart = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await running.stack?.stop();
    say('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  say('starting the LLM emulator, the Cosmos-compatible server and the services…');
  const stack = await startStack({
    ports: 'fixed',
    redisUrl,
    replicas: args.replicas,
    ...(args.only ? { services: args.only } : {}),
    readyTimeoutMs: Number(process.env.DEV_READY_TIMEOUT_MS ?? 90_000),
    onLine: printLine,
    onUnexpectedExit: (label, code, signal) => {
      say(`${label} exited (${signal ?? `code ${code}`}); stopping the local run`);
      // Before startStack has returned, its own failure path stops what it started (see below).
      if (running.stack) void shutdown(1);
      else exitedDuringStart = true;
    },
  });
  running.stack = stack;
  if (exitedDuringStart) return void shutdown(1);
  const started = [...new Set(stack.processes.map((p) => p.name))];
  const lines = [
    '',
    'Support Mesh is running.',
    `  web chat             http://localhost:${stack.ports.gateway}/`,
    ...started.map((name) => {
      const n = stack.processes.filter((p) => p.name === name).length ?? 1;
      return `  ${name.padEnd(20)} ${stack.urls[name]}${n > 1 ? `  (${n} replicas)` : ''}`;
    }),
    '',
    `  development API key (user role):  ${DEV_API_KEY}`,
    `  development API key (admin role): ${DEV_ADMIN_KEY}`,
    `  try: curl -s -H 'x-api-key: ${DEV_API_KEY}' -H 'content-type: application/json' \\`,
    `         -d '{"message":"where is my order 12345?"}' ${stack.urls.gateway}/v1/chat`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
