const BASE64_RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g;

export interface EncodedBlob {
  readonly start: number;
  readonly end: number;
  /** The decoded text (kept in memory only; never log it). */
  readonly decoded: string;
}

/**
 * Base64 (or base64url) runs of ≥ 24 characters that decode to readable text with several words:
 * the usual way of smuggling instructions past a filter. Random codes decode to binary and are ignored.
 */
export function findEncodedText(text: string): EncodedBlob[] {
  const blobs: EncodedBlob[] = [];
  for (const m of text.matchAll(BASE64_RUN)) {
    const body = m[0].replace(/=+$/, '');
    if (body.length % 4 === 1) continue;
    if (!/[A-Z]/.test(body) || !/[a-z]/.test(body)) continue;
    const decoded = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    if (decoded.length < 16) continue;
    let printable = 0;
    for (let i = 0; i < decoded.length; i++) {
      const c = decoded.charCodeAt(i);
      if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9) printable++;
    }
    const words = decoded.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z'’,.:;!?-]*$/.test(w));
    if (printable / decoded.length >= 0.95 && words.length >= 3) {
      blobs.push({ start: m.index, end: m.index + m[0].length, decoded });
    }
  }
  return blobs;
}
