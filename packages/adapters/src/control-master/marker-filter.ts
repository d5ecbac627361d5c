/** What the remote wrapper reported through its markers (see remote-script.ts). */
export interface WrapperReport {
  /** The wrapper's pid (= its process group), once printed. */
  pid: number | undefined;
  /** The script's shell ended by itself (its EXIT trap ran). */
  normal: boolean;
  /** The wrapper finished: the script's status and, for status > 128, `kill -l`'s name for it. */
  exit: { readonly status: number; readonly signalName: string } | undefined;
}

export interface MarkerFilter {
  write(chunk: Buffer): void;
  end(): void;
  readonly report: WrapperReport;
}

function parseMarker(text: string, report: WrapperReport, onPid: (pid: number) => void): void {
  const [kind, first, second] = text.split(':');
  if (kind === 'pid' && first !== undefined && /^\d+$/.test(first)) {
    report.pid = Number(first);
    onPid(report.pid);
  } else if (kind === 'normal') {
    report.normal = true;
  } else if (kind === 'exit' && first !== undefined && /^\d+$/.test(first)) {
    report.exit = { status: Number(first), signalName: (second ?? '').trim() };
  }
}

/**
 * Removes the wrapper's `NONCE:...\n` markers from stderr (anywhere, split across chunks or glued to
 * a line the command left unterminated) and passes the command's own bytes on, in order.
 * Up to nonce-length bytes are held back at a chunk's end in case a marker starts there.
 */
export function createMarkerFilter(nonce: string, onData: (chunk: Buffer) => void, onPid: (pid: number) => void = () => undefined): MarkerFilter {
  const needle = Buffer.from(`${nonce}:`);
  const report: WrapperReport = { pid: undefined, normal: false, exit: undefined };
  let pending: Buffer = Buffer.alloc(0);
  const emit = (bytes: Buffer): void => {
    if (bytes.length > 0) onData(bytes);
  };
  const drain = (final: boolean): void => {
    for (;;) {
      const at = pending.indexOf(needle);
      if (at === -1) {
        const keep = final ? 0 : Math.min(pending.length, needle.length - 1);
        emit(pending.subarray(0, pending.length - keep));
        pending = pending.subarray(pending.length - keep);
        return;
      }
      emit(pending.subarray(0, at));
      const newline = pending.indexOf(0x0a, at);
      if (newline === -1) {
        pending = pending.subarray(at);
        if (final) emit(pending);
        return;
      }
      parseMarker(pending.subarray(at + needle.length, newline).toString('utf8'), report, onPid);
      pending = pending.subarray(newline + 1);
    }
  };
  return {
    write(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      drain(false);
    },
    end() {
      drain(true);
      pending = Buffer.alloc(0);
    },
    report,
  };
}
