/**
 * `upload`, `download`, `forward` and `forwardRemote` on a `controlMaster: true` target: refused, since
 * commands there run through the OpenSSH client and there is no ssh2 connection to open channels on.
 */
import { ConfigError } from '@rexec/adapters';

function refused(target: string, method: string): Promise<never> {
  return Promise.reject(
    new ConfigError(
      `${method}() needs the ssh2 transport, but ${target} is a controlMaster target (commands run through the OpenSSH client); use $.ssh without controlMaster for files and tunnels`,
      'controlMaster',
    ),
  );
}

export function noChannelMethods(target: string): {
  upload(): Promise<never>;
  download(): Promise<never>;
  forward(): Promise<never>;
  forwardRemote(): Promise<never>;
} {
  return {
    upload: () => refused(target, 'upload'),
    download: () => refused(target, 'download'),
    forward: () => refused(target, 'forward'),
    forwardRemote: () => refused(target, 'forwardRemote'),
  };
}
