import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { APP_SERVICES, CATALOGUE, ENVIRONMENTS, type Catalogue } from './catalogue.js';
import { synthAll, type K8sObject } from './synth.js';
import { validateObject } from './validate.js';

const files = synthAll();
const parse = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject);

describe('synthesized manifests', () => {
  it('writes one file per service per environment: 8 × 2', () => {
    expect([...files.keys()].sort()).toEqual(ENVIRONMENTS.flatMap((e) => APP_SERVICES.map((s) => `${e}/${s}.k8s.yaml`)).sort());
  });

  it('validates every object against its published schema (kubernetes-models, keda, prometheus-operator, CSI)', () => {
    let count = 0;
    for (const [file, yaml] of files) {
      for (const o of parse(yaml)) {
        expect(() => validateObject(o), file).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThan(16 * 10);
  });

  it('rejects an object that breaks its schema', () => {
    const deployment = parse(files.get('prod/critic.k8s.yaml')!).find((o) => o.kind === 'Deployment')!;
    const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    expect(() => validateObject(broken as unknown as K8sObject)).toThrow(/containerPort/);
  });

  it.each(ENVIRONMENTS.flatMap((env) => APP_SERVICES.map((service) => [env, service] as const)))('matches the snapshot of %s/%s', async (env, service) => {
    await expect(files.get(`${env}/${service}.k8s.yaml`)).toMatchFileSnapshot(`__snapshots__/${env}/${service}.k8s.yaml`);
  });
});

describe('changing one catalogue number', () => {
  it('changes exactly the maxReplicaCount line of the gateway in prod', () => {
    const catalogue: Catalogue = {
      ...CATALOGUE,
      gateway: { ...CATALOGUE.gateway, replicas: { ...CATALOGUE.gateway.replicas, prod: { ...CATALOGUE.gateway.replicas.prod, max: 25 } } },
    };
    const changed = synthAll({ catalogue });
    const diffs: string[] = [];
    for (const [file, before] of files) {
      const a = before.split('\n');
      const b = changed.get(file)!.split('\n');
      expect(b.length, file).toBe(a.length);
      a.forEach((line, i) => {
        if (line !== b[i]) diffs.push(`${file}:${i + 1}: ${line.trim()} -> ${b[i]!.trim()}`);
      });
    }
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatch(/^prod\/gateway\.k8s\.yaml:\d+: maxReplicaCount: 20 -> maxReplicaCount: 25$/);
  });
});
