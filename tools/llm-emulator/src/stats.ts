/** Request counters for `GET /admin/stats` and `GET /metrics` (hand-formatted Prometheus text). */
export type Operation = 'chat' | 'embeddings';

const MAX_DEPLOYMENTS = 200;
const OVERFLOW = '_other';

export interface StatsSnapshot {
  startedAt: string;
  inFlight: number;
  requests: { total: number; byDeployment: Record<string, Record<Operation, number>> };
  responses: { byStatus: Record<string, number> };
  faultsServed: { total: number; hangs: number; byStatus: Record<string, number> };
  quotaRejections: { total: number; byDeployment: Record<string, number> };
  tokens: { prompt: number; completion: number };
}

export class Stats {
  private readonly startedAt = new Date().toISOString();
  inFlight = 0;
  private total = 0;
  private readonly byDeployment = new Map<string, Record<Operation, number>>();
  private readonly byStatus = new Map<number, number>();
  private faults = 0;
  private hangs = 0;
  private readonly faultsByStatus = new Map<number, number>();
  private quotaTotal = 0;
  private readonly quotaByDeployment = new Map<string, number>();
  private promptTokens = 0;
  private completionTokens = 0;

  private label(deployment: string, map: Map<string, unknown>): string {
    return map.has(deployment) || map.size < MAX_DEPLOYMENTS ? deployment : OVERFLOW;
  }

  request(deployment: string, op: Operation): void {
    this.total++;
    const key = this.label(deployment, this.byDeployment);
    let entry = this.byDeployment.get(key);
    if (!entry) {
      entry = { chat: 0, embeddings: 0 };
      this.byDeployment.set(key, entry);
    }
    entry[op]++;
  }

  response(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  fault(status: number | 'hang'): void {
    this.faults++;
    if (status === 'hang') this.hangs++;
    else this.faultsByStatus.set(status, (this.faultsByStatus.get(status) ?? 0) + 1);
  }

  quotaRejected(deployment: string): void {
    this.quotaTotal++;
    const key = this.label(deployment, this.quotaByDeployment);
    this.quotaByDeployment.set(key, (this.quotaByDeployment.get(key) ?? 0) + 1);
  }

  tokens(prompt: number, completion: number): void {
    this.promptTokens += prompt;
    this.completionTokens += completion;
  }

  snapshot(): StatsSnapshot {
    return {
      startedAt: this.startedAt,
      inFlight: this.inFlight,
      requests: { total: this.total, byDeployment: Object.fromEntries([...this.byDeployment].map(([k, v]) => [k, { ...v }])) },
      responses: { byStatus: Object.fromEntries(this.byStatus) },
      faultsServed: { total: this.faults, hangs: this.hangs, byStatus: Object.fromEntries(this.faultsByStatus) },
      quotaRejections: { total: this.quotaTotal, byDeployment: Object.fromEntries(this.quotaByDeployment) },
      tokens: { prompt: this.promptTokens, completion: this.completionTokens },
    };
  }

  prometheus(): string {
    const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    const lines: string[] = [
      '# HELP llm_emulator_requests_total LLM requests received, by deployment and operation.',
      '# TYPE llm_emulator_requests_total counter',
    ];
    for (const [d, ops] of this.byDeployment) {
      for (const op of ['chat', 'embeddings'] as const) {
        lines.push(`llm_emulator_requests_total{deployment="${esc(d)}",operation="${op}"} ${ops[op]}`);
      }
    }
    lines.push('# HELP llm_emulator_responses_total LLM responses sent, by HTTP status.', '# TYPE llm_emulator_responses_total counter');
    for (const [s, n] of this.byStatus) lines.push(`llm_emulator_responses_total{status="${s}"} ${n}`);
    lines.push('# HELP llm_emulator_faults_total Injected faults served.', '# TYPE llm_emulator_faults_total counter');
    for (const [s, n] of this.faultsByStatus) lines.push(`llm_emulator_faults_total{kind="error",status="${s}"} ${n}`);
    lines.push(`llm_emulator_faults_total{kind="hang",status=""} ${this.hangs}`);
    lines.push('# HELP llm_emulator_quota_rejections_total Requests rejected by RPM/TPM quotas.', '# TYPE llm_emulator_quota_rejections_total counter');
    for (const [d, n] of this.quotaByDeployment) lines.push(`llm_emulator_quota_rejections_total{deployment="${esc(d)}"} ${n}`);
    lines.push('# HELP llm_emulator_tokens_total Tokens served.', '# TYPE llm_emulator_tokens_total counter');
    lines.push(`llm_emulator_tokens_total{type="prompt"} ${this.promptTokens}`, `llm_emulator_tokens_total{type="completion"} ${this.completionTokens}`);
    lines.push('# HELP llm_emulator_in_flight Requests being answered.', '# TYPE llm_emulator_in_flight gauge', `llm_emulator_in_flight ${this.inFlight}`);
    return `${lines.join('\n')}\n`;
  }
}
