import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { OpenAiError } from './openai-error.js';

/** Largest accepted request body. @default 4 MiB (100 messages of 32k characters fit) */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function isJsonType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const tooLarge = (): OpenAiError => new OpenAiError(413, 'invalid_request_error', 'request_too_large', 'Request body is too large', { headers: { connection: 'close' } });
const invalidJson = (): OpenAiError => new OpenAiError(400, 'invalid_request_error', 'invalid_json', 'We could not parse the JSON body of your request');

/**
 * The request's JSON body, read directly off the socket (no body-parser layers). A body an earlier middleware
 * already parsed (`req.body`) is used as is. Errors are {@link OpenAiError}s: 415 for another media type or a
 * content encoding, 413 beyond `limit` bytes, 400 for invalid UTF-8 or JSON.
 */
export function readJsonBody(req: IncomingMessage & { body?: unknown }, limit: number = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  if (req.body !== undefined) return Promise.resolve(req.body);
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !isJsonType(contentType)) {
    return Promise.reject(new OpenAiError(415, 'invalid_request_error', 'unsupported_media_type', 'Content-Type must be application/json'));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(new OpenAiError(415, 'invalid_request_error', 'unsupported_media_type', 'Content-Encoding is not supported; send plain JSON'));
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      if (!isUtf8(buf)) {
        reject(invalidJson());
        return;
      }
      try {
        resolve(JSON.parse(buf.toString('utf8')));
      } catch {
        reject(invalidJson());
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Charges the tokens a call used against the caller's per-minute token budget, when the gateway mounted the
 * facade behind its limits (`res.locals.consumeTokens`); a budget failure never fails the answered call.
 */
export function chargeTokens(res: { locals: Record<string, unknown> }, tokens: number): void {
  const consume = res.locals['consumeTokens'];
  if (typeof consume !== 'function' || tokens <= 0) return;
  void Promise.resolve()
    .then(() => (consume as (n: number) => unknown)(tokens))
    .catch(() => undefined);
}
