/**
 * @xec-sh/core 0.9.0 as its README shows it: `$.ssh({ host, username, privateKey })` then a tagged
 * template per command. Its SSH adapter keeps its own pooled node-ssh connection per target.
 * Importing it installs process-wide handlers, which the child reports.
 */
import { readKey } from './ssh2-client.js';
import { asTemplate } from './template.js';
import type { Peer } from './peer.js';

const peer: Peer = {
  load: async (target) => {
    const { $, dispose } = await import('@xec-sh/core');
    const privateKey = (await readKey(target)).toString('utf8');
    return {
      open: () => {
        const remote = $.ssh({ host: target.host, port: target.port, username: target.username, privateKey });
        return Promise.resolve({
          exec: async (command) => {
            const result = await remote(asTemplate(command));
            if (result.exitCode !== 0) throw new Error(`exit ${String(result.exitCode)}`);
            return result.stdout;
          },
          close: () => dispose(),
        });
      },
    };
  },
};

export default peer;
