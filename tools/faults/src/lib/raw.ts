import { connect } from 'node:net';

export interface RawExchange {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The connection ended without any answer. */
  readonly noAnswer: boolean;
}

/** Writes raw bytes to 127.0.0.1:port and reads until the server closes (or `timeoutMs`). */
export function rawExchange(port: number, bytes: Buffer, timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port });
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (!text.startsWith('HTTP/')) return resolve({ status: undefined, headers: {}, body: text, noAnswer: true });
      const head = end >= 0 ? text.slice(0, end) : text;
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: end >= 0 ? Buffer.from(text.slice(end + 4), 'latin1').toString('utf8') : '', noAnswer: false });
    };
    const timer = setTimeout(done, timeoutMs);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', done);
    s.on('error', done);
    s.on('connect', () => s.write(bytes));
  });
}

/** An HTTP/1.1 request as raw bytes (`Connection: close`); header values are written byte for byte. */
export function rawRequest(method: string, path: string, headers: readonly [string, string | Buffer][], body?: Buffer | string): Buffer {
  const b = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const parts: Buffer[] = [Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, 'latin1')];
  for (const [k, v] of headers) parts.push(Buffer.from(`${k}: `, 'latin1'), Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1'), Buffer.from('\r\n', 'latin1'));
  if (b && !headers.some(([k]) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) parts.push(Buffer.from(`Content-Length: ${b.length}\r\n`, 'latin1'));
  parts.push(Buffer.from('\r\n', 'latin1'));
  if (b) parts.push(b);
  return Buffer.concat(parts);
}
