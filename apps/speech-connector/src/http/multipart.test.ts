import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart.js';

function form(boundary: string, parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble\r\n')];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe('multipart/form-data', () => {
  it('reads the boundary, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('audio/wav')).toBeUndefined();
  });

  it('splits parts with their names, file names, types and binary data intact', () => {
    const binary = Buffer.from([0, 13, 10, 45, 45, 255]); // CR LF "--" inside the data
    const parts = parseMultipart(form('XyZ', [{ name: 'language', data: 'en-US' }, { name: 'audio', filename: 'a.wav', type: 'audio/wav', data: binary }]), 'XyZ');
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['language', undefined, undefined],
      ['audio', 'a.wav', 'audio/wav'],
    ]);
    expect(parts[1]?.data.equals(binary)).toBe(true);
  });

  it('answers 400 for a body that is cut short or has no boundary', () => {
    const whole = form('b0', [{ name: 'audio', data: 'x' }]);
    expect(() => parseMultipart(whole.subarray(0, whole.length - 10), 'b0')).toThrow(expect.objectContaining({ status: 400, code: 'MALFORMED_MULTIPART' }));
    expect(() => parseMultipart(Buffer.from('no parts here'), 'b0')).toThrow(expect.objectContaining({ code: 'MALFORMED_MULTIPART' }));
  });

  it('refuses more than 16 parts', () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    expect(() => parseMultipart(form('b1', many), 'b1')).toThrow(/more than 16 parts/);
  });
});
