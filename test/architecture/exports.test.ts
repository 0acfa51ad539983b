import { describe, expect, it } from 'vitest';
import * as plumbing from '../../plumbing/index.js';
import * as porcelain from '../../porcelain/index.js';
import * as creative from '../../personas/creative/index.js';
import * as game from '../../personas/game/index.js';

describe('architecture: public surface', () => {
  it('plumbing exports exactly the documented names', () => {
    expect(Object.keys(plumbing).sort()).toMatchSnapshot();
  });

  it('porcelain exports exactly the documented names', () => {
    expect(Object.keys(porcelain).sort()).toMatchSnapshot();
  });

  it('the creative persona exports exactly the documented names', () => {
    expect(Object.keys(creative).sort()).toMatchSnapshot();
  });

  it('the game persona exports exactly the documented names', () => {
    expect(Object.keys(game).sort()).toMatchSnapshot();
  });

  it('the seed names are part of the public API', () => {
    for (const name of ['StorageManager', 'FastCdcChunker', 'FixedSizeChunker', 'FileInfo', 'VersionInfo', 'ChunkInfo', 'BackupConfig']) {
      expect(plumbing, name).toHaveProperty(name);
    }
    const methods = Object.getOwnPropertyNames(plumbing.StorageManager.prototype);
    for (const m of ['storeFile', 'retrieveFile', 'storeChunk', 'retrieveChunk', 'getStorageSize']) expect(methods).toContain(m);
  });
});
