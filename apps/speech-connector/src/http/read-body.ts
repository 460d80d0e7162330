import type { IncomingMessage } from 'node:http';
import { HttpError } from '@supportmesh/service-kit';

/**
 * Reads the whole request body into one buffer, counting bytes: more than `limit` (a lying or absent length)
 * destroys the request and rejects 413; a client that goes away rejects 400 `REQUEST_ABORTED`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      fn();
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        finish(() => reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `The audio is larger than ${limit} bytes`, { maxBytes: limit }, { headers: { Connection: 'close' } })));
        req.resume(); // discard the rest; the connection closes after the answer
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(() => resolve(Buffer.concat(chunks, received)));
    const onError = (err: Error): void => finish(() => reject(new HttpError(400, 'REQUEST_ABORTED', 'The request body could not be read', undefined, { cause: err })));
    const onAborted = (): void => finish(() => reject(new HttpError(400, 'REQUEST_ABORTED', 'The client aborted the request')));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onAborted);
  });
}
