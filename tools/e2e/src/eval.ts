/**
 * `npm run eval`: the quality evaluation. Runs the intent-classifier's held-out set through the gateway of a
 * running stack (or, with `--start`, of a stack it starts itself on ephemeral ports), plus a generated PII probe
 * set through the critic, prints intent accuracy (overall, per intent), escalation precision/recall, PII recall
 * and false-positive rate and answer groundedness, and writes the JSON report.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVICE_PORTS } from '@supportmesh/contracts';
import { formatReport, runEval } from './eval/run-eval.js';
import { DEV_API_KEY, startE2eStack, type E2eStack } from './testing/index.js';

const USAGE = `usage: npm run eval -- [--endpoint URL] [--api-key KEY] [--critic-url URL] [--retrieval-url URL]
                       [--start] [--heldout PATH] [--out PATH] [--concurrency N]

  --endpoint       gateway of a running stack (default http://127.0.0.1:${SERVICE_PORTS.gateway})
  --api-key        API key (default: the development key; a delegate key lets every item be its own user)
  --critic-url     critic (default http://127.0.0.1:${SERVICE_PORTS.critic})
  --retrieval-url  knowledge-retrieval (default http://127.0.0.1:${SERVICE_PORTS['knowledge-retrieval']})
  --start          start a stack on ephemeral ports for the run (the three URLs are then ignored)
  --heldout        held-out JSONL (default apps/intent-classifier/data/heldout.jsonl)
  --out            JSON report (default tools/e2e/eval-results.json)
  --concurrency    turns in flight (default 4)`;

const DEFAULT_HELDOUT = fileURLToPath(new URL('../../../apps/intent-classifier/data/heldout.jsonl', import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL('../eval-results.json', import.meta.url));

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        endpoint: { type: 'string', default: `http://127.0.0.1:${SERVICE_PORTS.gateway}` },
        'api-key': { type: 'string', default: DEV_API_KEY },
        'critic-url': { type: 'string', default: `http://127.0.0.1:${SERVICE_PORTS.critic}` },
        'retrieval-url': { type: 'string', default: `http://127.0.0.1:${SERVICE_PORTS['knowledge-retrieval']}` },
        start: { type: 'boolean', default: false },
        heldout: { type: 'string', default: DEFAULT_HELDOUT },
        out: { type: 'string', default: DEFAULT_OUT },
        concurrency: { type: 'string', default: '4' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    process.stderr.write(`--concurrency must be an integer 1..64\n${USAGE}\n`);
    return 2;
  }

  let stack: E2eStack | undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    let urls = { endpoint: values.endpoint, critic: values['critic-url'], retrieval: values['retrieval-url'] };
    if (values.start) {
      log('starting a stack on ephemeral ports…');
      // Analytics and speech are not needed; the limits are raised so the run is not throttled.
      stack = await startE2eStack({
        services: ['intent-classifier', 'knowledge-retrieval', 'response-generator', 'escalation', 'critic', 'gateway'],
        serviceEnv: { gateway: { GATEWAY_RATE_LIMIT_PER_MINUTE: '10000', GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: '10000', GATEWAY_TOKEN_BUDGET_PER_MINUTE: '100000000' } },
      });
      urls = { endpoint: stack.gateway, critic: stack.urls['critic'] as string, retrieval: stack.urls['knowledge-retrieval'] as string };
    }
    const report = await runEval({
      endpoint: urls.endpoint,
      apiKey: values['api-key'],
      criticUrl: urls.critic,
      retrievalUrl: urls.retrieval,
      heldoutPath: values.heldout,
      concurrency,
      log,
    });
    process.stdout.write(`${formatReport(report)}\n`);
    await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
    log(`report written to ${values.out}`);
    return report.heldout.errors > 0 ? 1 : 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ECONNREFUSED') log(`cannot reach the stack (${e.message}); start it with \`npm start\` or pass --start`);
    else log(`eval failed: ${e.message}`);
    return 1;
  } finally {
    await stack?.stop();
  }
}

process.exitCode = await main();
