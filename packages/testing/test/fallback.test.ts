import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSshHost } from '../src/index.js';
import { ssh2Exec } from './ssh2-exec.js';

describe('when OpenSSH sshd is missing', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('falls back to the embedded server and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const host = await startSshHost({ sshdPath: '/nonexistent/sbin/sshd', env: {} });
    try {
      expect(host.kind).toBe('embedded');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('embedded ssh2-based server'));
      expect((await ssh2Exec(host, 'echo ok')).stdout).toBe('ok\n');
    } finally {
      await host.stop();
    }
  });

  it('fails instead with REXEC_TEST_SSHD=openssh', async () => {
    await expect(startSshHost({ sshdPath: '/nonexistent/sbin/sshd', env: { REXEC_TEST_SSHD: 'openssh' } })).rejects.toThrow(/OpenSSH sshd is required.*\/nonexistent\/sbin\/sshd/);
  });
});
