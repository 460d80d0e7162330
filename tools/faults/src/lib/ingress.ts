import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export interface IngressPath {
  readonly file: string;
  readonly name: string;
  readonly host: string | undefined;
  readonly path: string;
  readonly pathType: string;
}

/** Whether an ingress path (Kubernetes `pathType` semantics) would route `requestPath`. */
export function ingressMatches(p: { path: string; pathType: string }, requestPath: string): boolean {
  if (p.pathType === 'Exact') return requestPath === p.path;
  if (p.pathType === 'Prefix') {
    if (p.path === '/') return true;
    const base = p.path.replace(/\/+$/, '');
    return requestPath === base || requestPath.startsWith(`${base}/`);
  }
  return requestPath.startsWith(p.path); // ImplementationSpecific (nginx: prefix)
}

/**
 * Every Ingress path in the synthesized manifests (`infra/dist/<env>/*.k8s.yaml`), read line by line (the
 * manifests are cdk8s output: one `path:` and one `pathType:` per rule path). Runs `npm run synth` first
 * when the folder is missing (a fresh clone).
 */
export async function ingressPaths(repoRoot: string): Promise<IngressPath[]> {
  const dist = path.join(repoRoot, 'infra/dist');
  if (!existsSync(path.join(dist, 'prod/gateway.k8s.yaml'))) {
    await promisify(execFile)('npm', ['run', 'synth'], { cwd: repoRoot, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  }
  const out: IngressPath[] = [];
  for (const env of await readdir(dist)) {
    const dir = path.join(dist, env);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    } catch {
      continue;
    }
    for (const f of files) {
      const text = await readFile(path.join(dir, f), 'utf8');
      for (const doc of text.split(/^---\s*$/m)) {
        if (!/^kind:\s*Ingress\s*$/m.test(doc)) continue;
        const name = /^\s{2}name:\s*(\S+)/m.exec(doc)?.[1] ?? '?';
        let host: string | undefined;
        let pending: { path?: string; pathType?: string } = {};
        for (const line of doc.split('\n')) {
          const h = /^\s*-?\s*host:\s*(\S+)/.exec(line);
          if (h) host = h[1];
          const p = /^\s*-?\s*path:\s*(\S+)/.exec(line);
          if (p) pending.path = p[1];
          const t = /^\s*-?\s*pathType:\s*(\S+)/.exec(line);
          if (t) pending.pathType = t[1];
          if (pending.path !== undefined && pending.pathType !== undefined) {
            out.push({ file: `${env}/${f}`, name, host, path: pending.path, pathType: pending.pathType });
            pending = {};
          }
        }
      }
    }
  }
  return out;
}
