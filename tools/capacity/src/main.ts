import { run } from './cli.js';

process.exitCode = run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  cwd: process.env['INIT_CWD'] ?? process.cwd(),
});
