/**
 * A store in an S3-compatible bucket: `s3://bucket/prefix`. Works with AWS S3, Cloudflare R2's S3 endpoint
 * (https://<account>.r2.cloudflarestorage.com, region "auto"), MinIO and s3rver. Credentials come from the SDK's
 * standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, ...).
 *
 * Custom endpoints get path-style addressing and checksums only when required: the SDK's default CRC32 checksums
 * (since v3.729) are rejected by some S3-compatible servers.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { StorageError, UsageError } from '../../../shared/src/errors.ts';
import { assertKey, assertRange, type ObjectStore } from './object-store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing "/" ("" for the bucket root). */
  prefix: string;
  /** Endpoint URL for non-AWS services, e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  /** Region; default AWS_REGION, else "auto" for a custom endpoint (R2) or "us-east-1". */
  region?: string;
  /** Path-style URLs (http://host/bucket/key); default true with a custom endpoint. */
  forcePathStyle?: boolean;
  /** When to send and validate checksums; default "WHEN_REQUIRED" with a custom endpoint, else "WHEN_SUPPORTED". */
  checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Explicit credentials (tests); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request including retries (default 3). */
  maxAttempts?: number;
  /** Milliseconds to wait for a connection (default 5000). */
  connectionTimeout?: number;
}

/**
 * Parses `s3://bucket/prefix`.
 * @throws UsageError when the URI has no bucket or an invalid bucket name
 */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,62}$/.test(m[1] as string)) {
    throw new UsageError(`invalid S3 URI "${uri}": expected s3://bucket[/prefix] with a valid bucket name`);
  }
  return { bucket: m[1] as string, prefix: (m[2] as string).replace(/^\/+|\/+$/g, '') };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);
const DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'Forbidden',
  'InvalidToken',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  Code?: string;
}

/** An S3-backed ObjectStore. The client is created lazily, on the first request. */
export function s3Store(options: S3StoreOptions): ObjectStore {
  const { bucket, prefix, endpoint } = options;
  const uri = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  const where = endpoint ? `${uri} at ${endpoint}` : uri;
  const custom = endpoint !== undefined;
  const config: S3ClientConfig = {
    region: options.region ?? process.env['AWS_REGION'] ?? (custom ? 'auto' : 'us-east-1'),
    forcePathStyle: options.forcePathStyle ?? custom,
    requestChecksumCalculation: options.checksums ?? (custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED'),
    responseChecksumValidation: options.checksums ?? (custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED'),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: options.connectionTimeout ?? 5000, requestTimeout: 120_000 },
  };
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (options.credentials) config.credentials = options.credentials;
  let client: S3Client | undefined;
  const s3 = (): S3Client => {
    // Marquee supports Node 20 on purpose (package.json engines); the SDK's notice that *future* releases need Node 22 would
    // print on every command. An explicit setting of the variable wins.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    return (client ??= new S3Client(config));
  };
  const full = (key: string): string => {
    assertKey(key);
    return prefix ? `${prefix}/${key}` : key;
  };

  /** Turns an SDK failure into a StorageError that says what to fix. */
  const storageError = (op: string, key: string, err: unknown): StorageError => {
    const e = err as SdkError;
    const name = e.name ?? e.Code ?? 'Error';
    const code = e.code ?? (e as { cause?: { code?: string } }).cause?.code;
    const status = e.$metadata?.httpStatusCode;
    let message: string;
    if ((code && UNREACHABLE.has(code)) || name === 'TimeoutError' || name === 'RequestTimeout') {
      message = `cannot reach ${endpoint ?? 'AWS S3'} (${code ?? name}): check --endpoint and the network`;
    } else if (name === 'NoSuchBucket') {
      message = `bucket "${bucket}" does not exist${endpoint ? ` at ${endpoint}` : ''}: create it first`;
    } else if (DENIED.has(name) || status === 403) {
      message =
        `access denied (${name}) for ${op} ${key}: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY ` +
        `and the key's permissions on the bucket`;
    } else if (name === 'CredentialsProviderError') {
      message = 'no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)';
    } else {
      message = `${op} ${key} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
    }
    return new StorageError(`${where}: ${message}`, { cause: err });
  };
  const missing = (err: unknown): boolean => {
    const e = err as SdkError;
    return e.name === 'NoSuchKey' || (e.name === 'NotFound' && e.$metadata?.httpStatusCode === 404);
  };

  async function head(key: string): Promise<{ size: number } | null> {
    try {
      const res = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (missing(err)) return null;
      throw storageError('head', key, err);
    }
  }

  return {
    uri,
    async check() {
      try {
        await s3().send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix ? `${prefix}/` : '', MaxKeys: 1 }),
        );
      } catch (err) {
        throw storageError('list', prefix || '/', err);
      }
    },
    async put(key, bytes) {
      try {
        await s3().send(
          new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, ContentLength: bytes.length }),
        );
      } catch (err) {
        throw storageError('put', key, err);
      }
    },
    async get(key) {
      try {
        const res = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      } catch (err) {
        if (missing(err)) return null;
        throw storageError('get', key, err);
      }
    },
    async getRange(key, offset, length) {
      assertRange(offset, length);
      if (length === 0) return (await head(key)) === null ? null : new Uint8Array(0);
      try {
        const res = await s3().send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: full(key),
            Range: `bytes=${offset}-${offset + length - 1}`,
          }),
        );
        const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
        // A server that ignores Range returns the whole object (200 instead of 206).
        return res.ContentRange === undefined && bytes.length > length
          ? bytes.slice(offset, offset + length)
          : bytes;
      } catch (err) {
        if (missing(err)) return null;
        if ((err as SdkError).$metadata?.httpStatusCode === 416) return new Uint8Array(0);
        throw storageError('get', key, err);
      }
    },
    head,
    async list(listPrefix) {
      const keys: string[] = [];
      const root = prefix ? `${prefix}/` : '';
      let token: string | undefined;
      try {
        do {
          const res = await s3().send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: root + listPrefix, ContinuationToken: token }),
          );
          for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key.slice(root.length));
          token = res.IsTruncated ? res.NextContinuationToken : undefined;
        } while (token);
      } catch (err) {
        throw storageError('list', listPrefix || '/', err);
      }
      return keys.sort();
    },
    async delete(key) {
      try {
        await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) }));
      } catch (err) {
        if (missing(err)) return;
        throw storageError('delete', key, err);
      }
    },
    async close() {
      client?.destroy();
    },
  };
}
