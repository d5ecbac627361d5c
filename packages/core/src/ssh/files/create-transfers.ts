/**
 * The `upload` and `download` methods of one SSH pool's handle (docs/files.md). Each SFTP session and each
 * tar exec is a lease of the pool (channel-leases.ts); whether the remote host has `tar` is asked once per
 * pool (a failed answer is asked again next time).
 */
import type { ChannelLeases } from '../channels/channel-leases.js';
import { download } from './download.js';
import { remoteHasTar } from './remote-commands.js';
import type { TransferDeps } from './transfer-deps.js';
import type { DownloadDestination, DownloadOptions, TransferResult, UploadOptions, UploadSource } from './transfer-types.js';
import { upload } from './upload.js';

export interface Transfers {
  upload(source: UploadSource, dest: string, options?: UploadOptions): Promise<TransferResult>;
  download(source: string, dest: DownloadDestination, options?: DownloadOptions): Promise<TransferResult>;
}

/** `isPoolClosed`: the pool was drained or closed (`closePool()` stops transfers: `'aborted'`, not `'connection-lost'`). */
export function createTransfers(channels: ChannelLeases, isPoolClosed: () => boolean = () => false): Transfers {
  let hasTar: Promise<boolean> | undefined;
  const deps: TransferDeps = {
    channels,
    isPoolClosed,
    hasTar() {
      hasTar ??= remoteHasTar(channels).catch((error: unknown) => {
        hasTar = undefined;
        throw error;
      });
      return hasTar;
    },
  };
  return {
    upload: (source, dest, options) => upload(deps, source, dest, options),
    download: (source, dest, options) => download(deps, source, dest, options),
  };
}
