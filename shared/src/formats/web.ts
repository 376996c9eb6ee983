/**
 * Typed access to the few web-platform globals the formats need (Web Crypto and the text codecs). shared/ is
 * compiled without DOM or Worker type libraries, so the globals are described here once instead of being declared
 * ambiently; Node 20, workerd and browsers all provide them.
 */

interface WebGlobals {
  crypto: { subtle: { digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer> } };
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(bytes: Uint8Array): string };
}

const web = globalThis as unknown as WebGlobals;

/** UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
  return new web.TextEncoder().encode(text);
}

/**
 * Text of UTF-8 bytes.
 * @throws TypeError when the bytes are not valid UTF-8
 */
export function utf8Decode(bytes: Uint8Array): string {
  return new web.TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** SHA-256 of `bytes` as 64 lowercase hex digits (Web Crypto). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await web.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
