/**
 * Opens a store by URI: `file:///path` (or a plain path), `s3://bucket/prefix`, `r2-local://[bucket]`.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import { fileStore, fileStoreRoot } from './file-store.ts';
import type { ObjectStore } from './object-store.ts';
import { modelsBucketFromWranglerToml, r2LocalStore } from './r2-local-store.ts';
import { parseS3Uri, s3Store, type S3StoreOptions } from './s3-store.ts';

/** Options the CLI passes through; each applies to one kind of store. */
export interface OpenStoreOptions {
  /** s3: endpoint URL of an S3-compatible service. */
  endpoint?: string;
  /** s3: region. */
  region?: string;
  /** s3: path-style addressing (default: on with --endpoint). */
  forcePathStyle?: boolean;
  /** s3: checksum mode. */
  checksums?: S3StoreOptions['checksums'];
  /** s3: explicit credentials instead of the AWS environment (tests). */
  credentials?: S3StoreOptions['credentials'];
  /** s3: attempts per request. */
  maxAttempts?: number;
  /** r2-local: wrangler's --persist-to directory (default .wrangler/state). */
  persistTo?: string;
  /** r2-local: where to read the MODELS bucket name when the URI has none (default ./wrangler.toml). */
  wranglerToml?: string;
}

/** The store kinds, for messages. */
export const STORE_URI_HELP = 'file:///path, s3://bucket/prefix or r2-local://[bucket]';

/**
 * Opens the store a URI names. Opening does no I/O except reading wrangler.toml for `r2-local://`; call
 * `store.check()` to fail early on an unreachable or missing bucket.
 * @throws UsageError on an unknown scheme, a malformed URI, or options that do not apply
 */
export async function openStore(uri: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== 's3' && (options.endpoint !== undefined || options.region !== undefined)) {
    throw new UsageError(`--endpoint and --region apply to s3:// stores only (got --store ${uri})`);
  }
  if (scheme !== 'r2-local' && (options.persistTo !== undefined || options.wranglerToml !== undefined)) {
    throw new UsageError(`--persist-to applies to r2-local:// stores only (got --store ${uri})`);
  }
  if (scheme === undefined) return fileStore(fileStoreRoot(`file://${uri}`));
  if (scheme === 'file') return fileStore(fileStoreRoot(uri));
  if (scheme === 's3') {
    const { bucket, prefix } = parseS3Uri(uri);
    const s3: S3StoreOptions = { bucket, prefix };
    for (const k of [
      'endpoint',
      'region',
      'forcePathStyle',
      'checksums',
      'credentials',
      'maxAttempts',
    ] as const) {
      if (options[k] !== undefined) Object.assign(s3, { [k]: options[k] });
    }
    if (s3.endpoint !== undefined && !/^https?:\/\/[^/]+/.test(s3.endpoint)) {
      throw new UsageError(`--endpoint must be an http(s) URL (got "${s3.endpoint}")`);
    }
    return s3Store(s3);
  }
  if (scheme === 'r2-local') {
    const name = uri.slice('r2-local://'.length).replace(/\/+$/, '');
    if (name !== '' && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(name)) {
      throw new UsageError(`invalid R2 bucket name "${name}" in ${uri}`);
    }
    const bucket = name || (await modelsBucketFromWranglerToml(options.wranglerToml));
    return r2LocalStore(
      options.persistTo === undefined ? { bucket } : { bucket, persistTo: options.persistTo },
    );
  }
  throw new UsageError(`unknown store "${uri}": expected ${STORE_URI_HELP}`);
}
