/**
 * Every message text of the ssh layer (targets, options, host keys, connections) is built here,
 * so wording stays consistent and no secret can slip in: builders take names, paths and fingerprints, never credentials.
 */

const TARGET_FORMS = "'host', 'user@host', 'user@host:port', '[::1]:2222' or an options object { host, port, username }";

export function badTargetMessage(text: string, why: string): string {
  return `Invalid SSH target "${text}": ${why}. Write it as ${TARGET_FORMS}`;
}

export function badOptionMessage(option: string, why: string): string {
  return `Invalid SSH option "${option}": ${why}`;
}

export function unknownOptionsMessage(keys: readonly string[], known: readonly string[]): string {
  const list = keys.map((key) => `"${key}"`).join(', ');
  return `Unknown SSH option${keys.length === 1 ? '' : 's'} ${list}; the known options are ${known.join(', ')}`;
}

export function conflictingTargetMessage(field: string, fromTarget: string, fromOptions: string): string {
  return `Conflicting SSH ${field}: the target says "${fromTarget}" but options.${field} says "${fromOptions}"; give it once`;
}

export function missingHostMessage(): string {
  return 'SSH target has no host: pass a string like "user@host:port" or an options object with `host`';
}

export function unreadableKeyMessage(path: string, reason: string): string {
  return `Cannot read the private key file "${path}" (${reason}); check the path (privateKey or IdentityFile) and its permissions`;
}

export function encryptedKeyMessage(source: string): string {
  return `The private key ${source} is encrypted; pass its passphrase as the \`passphrase\` option (or load it into ssh-agent and use \`agent\`)`;
}

export function badPassphraseMessage(source: string, reason: string): string {
  return `Cannot decrypt or parse the private key ${source} (${reason}); check the \`passphrase\` option and that the key is an OpenSSH, PEM or PuTTY private key`;
}

export function notAPrivateKeyMessage(source: string): string {
  return `The private key ${source} is not a private key in a format rexec reads (OpenSSH, PEM/PKCS#8 or PuTTY)`;
}

export function unreadableSshConfigMessage(path: string, reason: string): string {
  return `Cannot read the SSH config file "${path}" (${reason}); fix it or remove it`;
}

export function unreadableKnownHostsMessage(path: string, reason: string): string {
  return `Cannot read the known_hosts file "${path}" (${reason}); fix its permissions or pass another \`knownHosts\` path`;
}

export function unwritableKnownHostsMessage(path: string, reason: string): string {
  return `Cannot record the new host key in "${path}" (${reason}); fix its permissions or pass another \`knownHosts\` path`;
}

export function hostKeyUnknownMessage(details: {
  target: string; host: string; port: number; keyType: string; fingerprint: string; knownHosts: string;
}): string {
  const { target, host, port, keyType, fingerprint, knownHosts } = details;
  const portFlag = port === 22 ? '' : `-p ${port} `;
  return [
    `Host key verification failed for ${target}: the host is not in ${knownHosts}.`,
    `The server presented ${keyType} key ${fingerprint}.`,
    `If that fingerprint is the server's (check it out of band, e.g. \`ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyType)}_key.pub\` on the server), trust it with:`,
    `  ssh-keyscan ${portFlag}${host} >> ${knownHosts}`,
    "or connect once with hostKeyCheck: 'accept-new' to record it.",
  ].join('\n');
}

export function hostKeyChangedMessage(details: {
  target: string; keyType: string; fingerprint: string; expected: readonly string[]; knownHosts: string; revoked: boolean;
}): string {
  const { target, keyType, fingerprint, expected, knownHosts, revoked } = details;
  if (revoked) {
    return `Host key verification failed for ${target}: the presented ${keyType} key ${fingerprint} is marked @revoked in ${knownHosts}. Refusing to connect.`;
  }
  return [
    `Host key verification failed for ${target}: THE HOST KEY HAS CHANGED. Someone could be intercepting the connection, or the server was reinstalled.`,
    `Presented: ${keyType} ${fingerprint}`,
    `Recorded in ${knownHosts}: ${expected.join(', ')}`,
    'rexec always refuses a changed key (whatever hostKeyCheck says). If the change is legitimate, remove the old entry',
    `(\`ssh-keygen -R <host> -f ${knownHosts}\`) and trust the new key.`,
  ].join('\n');
}

function shortType(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ed25519';
  if (keyType.includes('ecdsa')) return 'ecdsa';
  return 'rsa';
}

export function connectionRefusedMessage(target: string): string {
  return `Cannot connect to ${target}: connection refused (nothing listens on that port, or a firewall rejects it); check host and port`;
}

export function dnsFailureMessage(target: string, host: string): string {
  return `Cannot connect to ${target}: the host name "${host}" does not resolve (DNS lookup failed); check the host or your ~/.ssh/config HostName`;
}

export function handshakeTimeoutMessage(target: string, timeout: number): string {
  return `Cannot connect to ${target}: no SSH handshake within ${timeout} ms (readyTimeout); the host may be down, filtered, or overloaded`;
}

export function connectFailedMessage(target: string, reason: string): string {
  return `Cannot connect to ${target}: ${reason}`;
}

export function connectionLostMessage(target: string, reason: string): string {
  return `The SSH connection to ${target} was lost: ${reason}`;
}

export function notConnectedMessage(target: string): string {
  return `The SSH connection to ${target} is closed; the command was not run`;
}

export function noExitStatusMessage(target: string): string {
  return `The command on ${target} ended without an exit status (its channel closed without one); it may or may not have completed`;
}

export function execRefusedMessage(target: string): string {
  return `The server ${target} refused to run the command (exec request denied)`;
}

export function authenticationFailedMessage(target: string, methods: readonly string[]): string {
  const tried = methods.length === 0 ? 'no method (no key, password or agent was available)' : methods.join(', ');
  return `Authentication failed for ${target}; methods tried: ${tried}. Check the user name and the privateKey/passphrase, password or agent you pass`;
}

export function commandUnconfirmedMessage(target: string, ms: number): string {
  return `The connection to ${target} did not confirm the command within ${ms} ms (channelOpenTimeout); it was taken as dead and closed. The command may have started, so it is not run again`;
}

export function channelOpenTimeoutMessage(target: string, ms: number): string {
  return `The connection to ${target} did not open a channel within ${ms} ms (channelOpenTimeout); it was taken as dead and closed. The command did not start`;
}
