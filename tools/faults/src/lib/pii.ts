/**
 * PII-looking substrings in a text, found independently of the services' own detectors: emails, phone numbers
 * (7+ digits with separators), card-like digit runs (13–19 digits), IBAN-like strings and US SSN patterns.
 */
export function piiIn(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
    /\+?\d[\d ().-]{6,}\d/g,
    /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    /\b\d{3}-\d{2}-\d{4}\b/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) if (m[0].replace(/\D/g, '').length >= 7 || m[0].includes('@')) found.push(m[0]);
  return found;
}
