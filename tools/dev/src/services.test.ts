import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from './services.js';
import { REPO_ROOT } from './stack.js';

describe('the services\' V8 flags', () => {
  it('are the same in the local stack and in the image (NODE_OPTIONS of infra/docker/Dockerfile)', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'infra/docker/Dockerfile'), 'utf8');
    const env = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
    expect(env, 'the runtime stage sets ENV NODE_OPTIONS="…"').not.toBeNull();
    expect(env?.[1]?.split(/\s+/).filter(Boolean)).toEqual([...SERVICE_NODE_FLAGS]);
  });
});
