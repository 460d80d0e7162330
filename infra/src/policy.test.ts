import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { synthAll, type K8sObject } from './synth.js';

/** Policy checks over every synthesized object of every service and environment. */
const files = synthAll();
const all = [...files.entries()].map(([file, yaml]) => ({ file, yaml, objects: parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject) }));

/** Shapes of secret values that must never appear in the manifests. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /^\s*(password|passwd|secret|token|api[_-]?key|client[_-]?secret)\s*:\s*\S/im,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /AccountKey=|SharedAccessKey=|sig=[A-Za-z0-9%]{20,}/,
  /rediss?:\/\/[^\s@/]*:[^\s@/]+@/,
  /\b(sk-[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/,
  /[A-Za-z0-9+/]{40,}={0,2}/,
];

interface Container {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: { httpGet?: { path: string } };
  startupProbe?: unknown;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
}
const podSpec = (d: K8sObject) => (d as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(all)('policy: $file', ({ yaml, objects }) => {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const podLabels = (d: K8sObject) => (d as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels;

  it('has exactly one Deployment', () => {
    expect(deployments).toHaveLength(1);
  });

  it('gives every container probes, requests and limits, and a hardened security context', () => {
    for (const d of deployments) {
      const spec = podSpec(d);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext?.['runAsUser']).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe?.httpGet?.path).toBe('/ready');
        expect(c.startupProbe).toBeDefined();
        expect(Object.keys(c.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.image).toMatch(/:[\w][\w.-]*$/);
      }
    }
  });

  it('has a PodDisruptionBudget selecting the Deployment pods', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget') as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }[];
    for (const d of deployments) expect(pdbs.some((p) => matches(p.spec.selector.matchLabels, podLabels(d)))).toBe(true);
  });

  it('has a ScaledObject whose target exists in the same file and whose min ≤ max', () => {
    const scaled = objects.filter((o) => o.kind === 'ScaledObject') as unknown as { spec: { scaleTargetRef: { name: string; kind: string; apiVersion: string }; minReplicaCount: number; maxReplicaCount: number } }[];
    expect(scaled).toHaveLength(1);
    for (const so of scaled) {
      const target = objects.find((o) => o.kind === so.spec.scaleTargetRef.kind && o.apiVersion === so.spec.scaleTargetRef.apiVersion && o.metadata.name === so.spec.scaleTargetRef.name);
      expect(target).toBeDefined();
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(so.spec.minReplicaCount).toBeLessThanOrEqual(so.spec.maxReplicaCount);
    }
  });

  it('holds no secret values: no Secret objects, no inline env values, nothing key-shaped', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const d of deployments) for (const c of podSpec(d).containers) expect((c as { env?: unknown }).env).toBeUndefined();
    for (const pattern of SECRET_PATTERNS) expect(yaml).not.toMatch(pattern);
  });
});

describe('secret scan', () => {
  it.each([
    'data:\n  password: hunter2\n',
    'stringData:\n  api_key: abc\n',
    '-----BEGIN RSA PRIVATE KEY-----',
    'value: DefaultEndpointsProtocol=https;AccountKey=abc',
    'REDIS_URL: rediss://:s3cret@redis:6380',
    'key: sk-abcdefghijklmnopqrstuvwxyz123456',
    'blob: QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w',
  ])('catches a leaked value: %s', (leaked) => {
    expect(SECRET_PATTERNS.some((p) => p.test(leaked))).toBe(true);
  });
});
