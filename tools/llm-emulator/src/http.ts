import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodError } from 'zod';

export type Headers = Record<string, string | number>;

/** OpenAI-shaped error body: `{ error: { message, type, code, param? } }` (+ optional details). */
export interface ApiErrorBody {
  error: { message: string; type: string; code: string | null; param?: string | null; details?: unknown; correlationId?: string };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function apiError(message: string, type: string, code: string | null, param?: string | null): ApiErrorBody {
  return { error: { message, type, code, ...(param !== undefined ? { param } : {}) } };
}

export function zodMessage(error: ZodError): { message: string; param: string | null } {
  const issues = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  const first = error.issues[0];
  return { message: `Invalid request: ${issues.join('; ')}`, param: first && first.path.length ? first.path.join('.') : null };
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

/** Reads and parses a JSON body up to `limit` bytes. Never rejects. */
export function readJson(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        finish({ ok: false, status: 413, message: `Request body is larger than ${limit} bytes.` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') {
        finish({ ok: false, status: 400, message: 'The request body is empty; expected a JSON object.' });
        return;
      }
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        finish({ ok: false, status: 400, message: 'We could not parse the JSON body of your request. Expected valid JSON.' });
      }
    });
    req.on('error', () => finish({ ok: false, status: 400, message: 'The request body could not be read.' }));
  });
}
