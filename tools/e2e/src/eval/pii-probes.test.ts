import { describe, expect, it } from 'vitest';
import { generatePiiProbes, ibanMod97, luhnCheckDigit, luhnValid } from './pii-probes.js';

describe('PII probe set', () => {
  const probes = generatePiiProbes();
  const values = (type: string) => probes.flatMap((p) => p.spans.filter((s) => s.type === type).map((s) => p.text.slice(s.start, s.end)));

  it('knows valid Luhn and IBAN checksums', () => {
    expect(luhnCheckDigit('411111111111111')).toBe(1);
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(ibanMod97('GB82 WEST 1234 5698 7654 32')).toBe(1);
    expect(ibanMod97('GB83 WEST 1234 5698 7654 32')).not.toBe(1);
  });

  it('is the same set on every run, with every type and look-alike negatives', () => {
    expect(generatePiiProbes()).toEqual(probes);
    for (const type of ['email', 'phone', 'payment_card', 'iban', 'ssn']) expect(values(type).length).toBeGreaterThanOrEqual(20);
    expect(probes.filter((p) => p.spans.length === 0).length).toBeGreaterThanOrEqual(50);
  });

  it('labels spans that cover exactly the PII value', () => {
    for (const v of values('email')) expect(v).toMatch(/^[\w.+-]+@[\w.-]+\.[a-z]+$/i);
    for (const v of values('payment_card')) expect(luhnValid(v)).toBe(true);
    for (const v of values('iban')) expect(ibanMod97(v)).toBe(1);
    for (const v of values('ssn')) expect(v).toMatch(/^(?!000|666|9)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}$/);
    for (const v of values('phone')) expect(v.replace(/\D/g, '').length).toBeGreaterThanOrEqual(7);
  });

  it('makes negatives that fail the checks a real PII value passes', () => {
    const negatives = probes.filter((p) => p.spans.length === 0);
    for (const p of negatives.filter((n) => n.kind === 'luhn_invalid_number')) expect(luhnValid(/\d{16}/.exec(p.text)?.[0] ?? '')).toBe(false);
    for (const p of negatives.filter((n) => n.kind === 'iban_bad_checksum')) expect(ibanMod97(/DE\d{20}/.exec(p.text)?.[0] ?? '')).not.toBe(1);
  });
});
