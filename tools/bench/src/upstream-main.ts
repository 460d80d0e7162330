/**
 * The bare upstream as its own process (so it never shares an event loop with the load generator):
 * `node --import tsx upstream-main.ts` with `BENCH_UPSTREAM_PORT` (default 0). Prints one JSON line with the port.
 */
import { startUpstream } from './upstream.js';

const upstream = await startUpstream({ port: Number(process.env['BENCH_UPSTREAM_PORT'] ?? 0) });
process.stdout.write(`${JSON.stringify({ msg: 'listening', port: upstream.port })}\n`);
const stop = () => void upstream.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
