/**
 * @xec-sh/core 0.9.0 as its README shows it: `$.ssh({ host, username, privateKey })` then a tagged
 * template per command. Its SSH adapter keeps its own pooled node-ssh connection per target.
 * Importing it installs process-wide handlers, which the child reports. For the deploy steps: `.cd(dir)`
 * on the SSH context, `.nothrow()` on the command, and stdin through `$.with({ adapter: 'ssh', …, stdin })`
 * (its SSH context has no stdin method; `with` is what it uses itself, and reaches the same pooled connection).
 */
import { readKey } from './ssh2-client.js';
import { asTemplate } from './template.js';
import type { ExecOptions, Peer } from './peer.js';

const peer: Peer = {
  load: async (target) => {
    const { $, dispose } = await import('@xec-sh/core');
    const privateKey = (await readKey(target)).toString('utf8');
    return {
      open: () => {
        const sshOptions = { host: target.host, port: target.port, username: target.username, privateKey };
        const remote = $.ssh(sshOptions);
        const start = (command: string, options: ExecOptions | undefined): ReturnType<typeof remote> => {
          if (options?.stdin !== undefined) {
            const engine = $.with({ adapter: 'ssh', adapterOptions: { type: 'ssh', ...sshOptions }, stdin: options.stdin, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
            return engine.run(asTemplate(command));
          }
          return (options?.cwd === undefined ? remote : remote.cd(options.cwd))(asTemplate(command));
        };
        return Promise.resolve({
          exec: async (command, options) => {
            const started = start(command, options);
            const result = await (options?.nothrow === true ? started.nothrow() : started);
            if (result.exitCode !== 0 && options?.nothrow !== true) throw new Error(`exit ${String(result.exitCode)}`);
            return result.stdout;
          },
          close: () => dispose(),
        });
      },
    };
  },
};

export default peer;
