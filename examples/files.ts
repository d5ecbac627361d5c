/**
 * Files over pooled connections (docs/files.md): a directory up as one tar stream, a Buffer with a mode and a
 * sha256 check, a big file with progress, a download back, a typed error; then byte streams between commands
 * (docs/commands.md#pipes-and-bytes): a local tar piped into a remote one, and binary stdout kept exact.
 *   pnpm exec tsx examples/files.ts
 *   REXEC_DEMO_TARGET=me@box pnpm exec tsx examples/files.ts
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, TransferError } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

/** Every file under `dir`, with its sha256, to compare two trees. */
function treeDigest(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return treeDigest(path, `${prefix}${entry.name}/`);
    if (entry.isSymbolicLink()) return [`${prefix}${entry.name} -> link`];
    return [`${prefix}${entry.name} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`];
  }).sort();
}

const local = mkdtempSync(join(tmpdir(), 'rexec-files-example-'));
try {
  // A small site to deploy: nested directories, a symlink, a name with a space.
  mkdirSync(join(local, 'site', 'assets', 'img'), { recursive: true });
  writeFileSync(join(local, 'site', 'index.html'), '<h1>hello</h1>\n');
  for (let i = 0; i < 50; i++) writeFileSync(join(local, 'site', 'assets', `part ${i}.css`), `.c${i} { color: red }\n`);
  writeFileSync(join(local, 'site', 'assets', 'img', 'logo.bin'), randomBytes(4096));
  symlinkSync('index.html', join(local, 'site', 'home.html'));

  await withDemoTarget(async ({ target }) => {
    const remote = $.ssh(target);
    const dir = (await remote`mktemp -d /tmp/rexec-files.XXXXXX`.text()).trim();
    try {
      // A directory becomes `dest` itself; many small files travel as one tar stream on one channel.
      const site = await remote.upload(join(local, 'site'), `${dir}/releases/v1`, { mkdir: true });
      console.log(`uploaded site: ${site.files} files, ${site.bytes} bytes in ${site.duration.toFixed(0)} ms via ${site.via}`);

      // Bytes from memory, with a mode, checked with sha256 at both ends before the file appears.
      await remote.upload(Buffer.from('DATABASE_URL=postgres://db/app\n'), `${dir}/app.env`, { mode: 0o600, verify: true });
      console.log(`config verified, mode ${(await remote`stat -c %a ${`${dir}/app.env`}`.text()).trim()}`);

      // A big file: SFTP with many writes in flight, progress at most every 100 ms.
      const reports: number[] = [];
      const big = randomBytes(20 * 1024 * 1024);
      await remote.upload(big, `${dir}/big.bin`, { onProgress: ({ bytes, totalBytes }) => reports.push(Math.round((100 * bytes) / (totalBytes ?? bytes))) });
      console.log(`progress reports: ${reports.length}, last at ${reports.at(-1)}%`);

      // And back: the tree as one tar stream, a file into a path.
      const back = await remote.download(`${dir}/releases/v1`, join(local, 'back'));
      const same = JSON.stringify(treeDigest(join(local, 'back'))) === JSON.stringify(treeDigest(join(local, 'site')));
      console.log(`downloaded back: ${back.files} files, same tree: ${same}`);
      await remote.download(`${dir}/big.bin`, join(local, 'big.bin'), { verify: true });
      console.log(`big file back, equal: ${readFileSync(join(local, 'big.bin')).equals(big)}`);

      // Pipes: a local command's stdout streamed into a remote command's stdin (and back), with backpressure.
      await $`tar c -C ${join(local, 'site')} .`.pipe(remote`mkdir -p ${`${dir}/piped`} && tar x -C ${`${dir}/piped`}`);
      const count = await remote`find ${`${dir}/piped`} -type f`.lines();
      const bytes = await remote`cat ${`${dir}/big.bin`}`.pipe($`cat`).buffer();
      console.log(`piped: ${count.length} files unpacked remotely, ${bytes.length} bytes back, equal: ${bytes.equals(big)}`);
      const binary = await remote`printf '\\377\\376'`;
      console.log(`binary stdout: text ${JSON.stringify(binary.stdout)}, bytes ${binary.buffer().toString('hex')}`);

      // Failures are TransferErrors: a stable `problem`, the path, and what to do.
      try {
        await remote.upload(Buffer.from('x'), `${dir}/no/such/dir/file`);
      } catch (error) {
        if (error instanceof TransferError) console.log(`TransferError (${error.problem}): ${error.message}`);
      }
    } finally {
      await remote`rm -rf ${dir}`;
      await remote.closePool();
    }
  });
} finally {
  rmSync(local, { recursive: true, force: true });
}
