/**
 * One table of command-semantics cases (cases.ts) over the three transports: `$` (LocalAdapter), `$.ssh` on
 * pooled ssh2, and `$.ssh({ controlMaster: true })` through the OpenSSH client. Every case expects the same
 * observation on each transport, except where the table says (with the reason) that one differs.
 */
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, type Shell, type SshShell } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { conformanceCases, runCase } from './cases.js';
import { appliesTo, expectedOn, TRANSPORT_NAMES, type TransportName } from './types.js';

const host = testHost();
const remoteTarget = `${host.username}@127.0.0.1:${host.port}`;

type ShellChoice = { readonly shell?: string; readonly pipefail?: boolean };

function open(transport: TransportName): { sh: Shell; pool: SshShell | undefined; target: string; openWith: (choice: ShellChoice) => Shell } {
  if (transport === 'local') {
    const openWith = ({ shell, pipefail }: ShellChoice): Shell => {
      const chosen = shell === undefined ? $ : $.shell(shell);
      return pipefail === undefined ? chosen : chosen.pipefail(pipefail);
    };
    return { sh: $, pool: undefined, target: 'local', openWith };
  }
  const transportOptions = transport === 'ssh2' ? {} : { controlMaster: true };
  const pool = $.ssh(targetOf(host), transportOptions);
  return { sh: pool, pool, target: remoteTarget, openWith: (choice) => $.ssh(targetOf(host), { ...transportOptions, ...choice }) };
}

describe.each(TRANSPORT_NAMES)('command semantics on %s', (transport) => {
  const { sh, pool, target, openWith } = open(transport);

  // The first command pays for the connection (or the master's start): not inside a case's timeout.
  beforeAll(async () => {
    await sh`true`;
  });
  afterAll(async () => {
    await pool?.closePool();
  });

  for (const testCase of conformanceCases.filter((candidate) => appliesTo(candidate, transport))) {
    it(testCase.name, async () => {
      const seen = await runCase(testCase, { transport, sh, target, host, openWith });
      expect(seen).toEqual(expectedOn(testCase, transport));
    });
  }
});

describe('the conformance table', () => {
  it('gives a reason wherever a transport is left out or differs', () => {
    for (const testCase of conformanceCases) {
      expect(testCase.only?.why ?? 'all', testCase.name).not.toBe('');
      for (const difference of Object.values(testCase.differs ?? {})) expect(difference.why, testCase.name).not.toBe('');
    }
  });
});
