import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function equalDigest(expected: Buffer, providedBase64: string | undefined): boolean {
  if (providedBase64 === undefined || providedBase64.length > 256 || !BASE64.test(providedBase64)) return false;
  const provided = Buffer.from(providedBase64, 'base64');
  // Constant-time compare needs equal lengths; a wrong length is a wrong signature.
  if (provided.length !== expected.length) return false;
  return timingSafeEqual(provided, expected);
}

/** Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(secret, raw body)). */
export function verifyShopifyHmac(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  return equalDigest(createHmac('sha256', secret).update(rawBody).digest(), header);
}

/** Zendesk: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + raw body)). */
export function verifyZendeskSignature(rawBody: Buffer, signature: string | undefined, timestamp: string | undefined, secret: string): boolean {
  if (timestamp === undefined || timestamp.length > 64) return false;
  const expected = createHmac('sha256', secret).update(timestamp).update(rawBody).digest();
  return equalDigest(expected, signature);
}
