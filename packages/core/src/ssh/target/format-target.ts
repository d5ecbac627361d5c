/** `user@host:port`, with an IPv6 address in brackets (`user@[::1]:22`) so the port stays unambiguous. */
export function formatTarget(username: string, host: string, port: number): string {
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `${username}@${shownHost}:${port}`;
}
