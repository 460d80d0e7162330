import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from './services.js';
import { REPO_ROOT } from './stack.js';

describe("the services' V8 flags", () => {
  it('are the same in the local stack and in the image (node arguments in the CMD of infra/docker/Dockerfile)', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'infra/docker/Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(cmd, 'the runtime stage has an exec-form CMD').not.toBeNull();
    expect(JSON.parse(cmd?.[1] ?? '[]')).toEqual([...SERVICE_NODE_FLAGS, 'main.mjs']);
  });
});
