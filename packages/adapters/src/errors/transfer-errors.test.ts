import { describe, expect, it } from 'vitest';
import { RexecError } from './rexec-error.js';
import { isTransferError, isTunnelError, TransferError, TunnelError } from './transfer-errors.js';

describe('TransferError', () => {
  it('names the path, the side and what to do; retryable only for a lost connection or a timeout', () => {
    const error = new TransferError({ problem: 'no-space', direction: 'upload', target: 'me@web1:22', path: '/srv/app/big', side: 'remote', reason: 'No space left on device' });
    expect(error).toBeInstanceOf(RexecError);
    expect(error).toMatchObject({ code: 'ERR_TRANSFER', problem: 'no-space', path: '/srv/app/big', side: 'remote', retryable: false, leftover: undefined });
    expect(error.message).toBe('Upload failed: remote path on me@web1:22 "/srv/app/big" is on a full disk (No space left on device); free some space on that file system (df -h), or choose another destination');
    expect(isTransferError(error)).toBe(true);
    expect(new TransferError({ problem: 'connection-lost', direction: 'download', target: 't', path: 'p', side: 'remote' }).retryable).toBe(true);
    const leftover = new TransferError({ problem: 'connection-lost', direction: 'upload', target: 't', path: 'p', side: 'remote', leftover: '/srv/.p.rexec-1.tmp' });
    expect(leftover.message).toMatch(/a temporary copy may remain at "\/srv\/\.p\.rexec-1\.tmp": remove it$/);
    const local = new TransferError({ problem: 'not-found', direction: 'upload', target: 't', path: './dist', side: 'local' });
    expect(local.message).toMatch(/^Upload failed: local path "\.\/dist" does not exist; check the path/);
  });
});

describe('TunnelError', () => {
  it('names the tunnel and the target; max-connections is retryable, listen-failed is not', () => {
    const error = new TunnelError({ problem: 'max-connections', target: 'me@web1:22', tunnel: '127.0.0.1:5432 → db:5432', reason: '10 connections are open' });
    expect(error).toMatchObject({ code: 'ERR_TUNNEL', problem: 'max-connections', retryable: true, tunnel: '127.0.0.1:5432 → db:5432' });
    expect(error.message).toMatch(/^Tunnel 127\.0\.0\.1:5432 → db:5432 via me@web1:22 failed \(max-connections\): 10 connections are open; .*raise maxConnections/);
    expect(isTunnelError(error)).toBe(true);
    expect(new TunnelError({ problem: 'listen-failed', target: 't', tunnel: 'x' }).retryable).toBe(false);
  });
});
