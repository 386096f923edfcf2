import { nodeFs, type JournalFs } from '../../src/store/journal.ts';

/** The real file system, except that writes fail with `fail` while it is set. */
export function faultyFs() {
  const state: { fail: string | null; partial: boolean } = { fail: null, partial: false };
  const error = () => Object.assign(new Error(`${state.fail}: injected`), { code: state.fail });
  const fs: JournalFs = {
    ...nodeFs,
    open: async (path, flags, mode) => {
      if (state.fail && flags !== 'r') throw error();
      const fh = await nodeFs.open(path, flags, mode);
      return {
        write: async (buf, position) => {
          if (!state.fail) return fh.write(buf, position);
          if (state.partial && buf.length > 1) {
            // Half of the batch reaches the file before the disk fills up: a torn line.
            state.partial = false;
            return fh.write(buf.subarray(0, buf.length >> 1), position);
          }
          throw error();
        },
        datasync: () => (state.fail ? Promise.reject(error()) : fh.datasync()),
        sync: () => (state.fail ? Promise.reject(error()) : fh.sync()),
        truncate: (n) => fh.truncate(n),
        close: () => fh.close(),
      };
    },
  };
  return { fs, state };
}

