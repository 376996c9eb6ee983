/** Object stores (file, S3, local R2) and the versions and channels kept in them. */
export { assertKey, type ObjectStore } from './object-store.ts';
export { fileStore } from './file-store.ts';
export { s3Store, parseS3Uri, type S3StoreOptions } from './s3-store.ts';
export { r2LocalStore, modelsBucketFromWranglerToml, type R2LocalOptions } from './r2-local-store.ts';
export { openStore, STORE_URI_HELP, type OpenStoreOptions } from './open-store.ts';
export {
  MODELS_PREFIX,
  assertVersionPresent,
  checkBundle,
  verifyBundle,
  listVersions,
  publishVersion,
  readManifest,
  readVersion,
  versionKey,
  type VersionBundle,
} from './versions.ts';
export {
  readChannels,
  setChannels,
  withCanary,
  withRollback,
  withStable,
  withoutCanary,
  type ChannelPointers,
} from './channels.ts';
