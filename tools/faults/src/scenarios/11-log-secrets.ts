import { send } from '../lib/load.js';
import { sleep } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { MESSAGES, PII, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

/**
 * 11. No secrets or PII in logs: every log line of every process of the whole suite (this scenario runs last) is
 * scanned for the API keys, JWTs, Authorization values, secrets, emails, phones, card numbers, IBANs and SSNs the suite
 * used as inputs. The scenario first sends its own PII-laden turns and bad credentials, so it is conclusive alone.
 */
export async function noSecretsInLogs(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  for (const [i, m] of MESSAGES.entries()) await w.chat(`ls-${w.runId}-${i}`, m);
  await send(w.agent, w.gatewayUrl, { method: 'POST', path: '/v1/channels/email', headers: w.userHeaders(`ls-${w.runId}-mail`), body: JSON.stringify({ from: PII.email, subject: `Call me on ${PII.phone}`, text: `My IBAN is ${PII.iban} and SSN ${PII.ssn}` }) });
  const jwt = await w.jwt({ role: 'user' });
  const forged = await w.jwt({ role: 'admin', secret: 'forged-secret-forged-secret-forged-secret' });
  const attempts: Record<string, string>[] = [{ authorization: `Bearer ${jwt}` }, { authorization: `Bearer ${forged}` }, { 'x-api-key': `${w.creds.userKey}x` }, { authorization: `Basic ${Buffer.from(`admin:${w.creds.adminKey}`).toString('base64')}` }];
  for (const headers of attempts) {
    await send(w.agent, w.gatewayUrl, { method: 'POST', path: '/v1/chat', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ message: `card ${PII.card}` }) });
  }
  await sleep(1_500);

  const lines = w.logs.lines;
  const leaks = w.scanner.scan(lines);
  const byKind: Record<string, number> = {};
  for (const l of leaks) byKind[l.kind] = (byKind[l.kind] ?? 0) + 1;
  const labels = [...new Set(lines.map((l) => l.label.split('#')[0]))];
  const rawToLlm = w.llm.calls.filter((c) => Object.values(PII).some((v) => c.request.includes(v)));
  checks.add('log lines captured from every process', lines.length > 100 && labels.length >= 8, { lines: lines.length, labels, dropped: w.logs.dropped });
  checks.add('no test secret or PII in any log line', leaks.length === 0, leaks.slice(0, 20));
  checks.add('no raw test PII in any request to the LLM', rawToLlm.length === 0, rawToLlm.length);

  return {
    scenario: '11 no secrets or PII in logs',
    figure: `${lines.length} lines from ${labels.length} process kinds scanned for ${w.scanner.size} secret forms: ${leaks.length} leaks${leaks.length ? ` ${JSON.stringify(byKind)}` : ''}; ${w.llm.calls.length} LLM requests, ${rawToLlm.length} with raw PII`,
    pass: checks.pass,
    details: { lines: lines.length, labels, leaks: leaks.slice(0, 50), byKind, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
