import { HttpError } from '@supportmesh/service-kit';

/** One part of a `multipart/form-data` body. */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

const MAX_PARTS = 16;
const MAX_HEADER_BYTES = 8 * 1024;

const malformed = (message: string): HttpError => new HttpError(400, 'MALFORMED_MULTIPART', message);

/** The `boundary` parameter of a multipart Content-Type (RFC 2046: 1..70 chars), or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(block: string): { name?: string; filename?: string; contentType?: string } {
  const out: { name?: string; filename?: string; contentType?: string } = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      if (!/^form-data\b/i.test(value)) continue;
      const name = /;\s*name="([^"]*)"/i.exec(value) ?? /;\s*name=([^;\s]+)/i.exec(value);
      const filename = /;\s*filename="([^"]*)"/i.exec(value);
      if (name) out.name = name[1];
      if (filename) out.filename = filename[1];
    } else if (key === 'content-type') {
      out.contentType = value;
    }
  }
  return out;
}

/**
 * Splits a buffered `multipart/form-data` body (RFC 7578) into its parts. Bounded: at most 16 parts and
 * 8 kB of headers per part. Throws 400 `MALFORMED_MULTIPART` for a body that does not follow the format.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed('The multipart body has no boundary');
  for (let n = 0; n <= MAX_PARTS; n++) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // closing "--boundary--"
    if (n === MAX_PARTS) throw malformed(`The multipart body has more than ${MAX_PARTS} parts`);
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw malformed('The multipart boundary is not followed by a line break');
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0 || headerEnd - at > MAX_HEADER_BYTES) throw malformed('A multipart part has no (or too long) headers');
    const headers = parseHeaders(body.toString('latin1', at, headerEnd));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw malformed('The multipart body is not terminated');
    if (headers.name === undefined) throw malformed('A multipart part has no name');
    parts.push({
      name: headers.name,
      ...(headers.filename !== undefined ? { filename: headers.filename } : {}),
      ...(headers.contentType !== undefined ? { contentType: headers.contentType } : {}),
      data: body.subarray(dataStart, next),
    });
    at = next + 2;
  }
  throw malformed('The multipart body is not terminated');
}
