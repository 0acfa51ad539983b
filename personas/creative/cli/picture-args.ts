import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { z } from 'zod';
import type { PictureOptions } from '../ops/visual-diff.js';

/** The options every visual comparison takes. */
export function pictureOptionsSpec(y: Argv): Argv {
  return y
    .option('o', { alias: 'out', type: 'string', describe: 'write pictures into this folder (<path>.highlight.png, .side-by-side.png, .onion.png, .swipe.png; models: .before.png, .after.png, .overlay.png)' })
    .option('threshold', { type: 'number', describe: 'how different a pixel must be to count as changed, 0..1 (YIQ colour distance; default 0.1)' })
    .option('swipe', { type: 'number', describe: 'where the swipe picture splits, 0..1 from the left (default 0.5)' })
    .option('onion', { type: 'number', describe: "the later image's weight in the onion-skin blend, 0..1 (default 0.5)" })
    .option('picture-size', { type: 'number', describe: 'the longest side of each written picture (default 2048; 0: full size)' })
    .option('preview-size', { type: 'number', describe: 'the size of each view in model previews (default 256)' })
    .option('max-side', { type: 'number', describe: 'larger images are downscaled to this many pixels on a side before comparing (default 4096)' });
}

const unit = z.number().min(0).max(1);

export const pictureSchema = z.object({
  out: z.string().optional(),
  threshold: unit.optional(),
  swipe: unit.optional(),
  onion: unit.optional(),
  maxSide: z.number().int().min(16).max(65536).optional(),
  pictureSize: z.number().int().min(0).max(65536).optional(),
  previewSize: z.number().int().min(8).max(4096).optional(),
});

export function pictureArgs(args: z.infer<typeof pictureSchema>): PictureOptions {
  return {
    ...(args.out === undefined ? {} : { outDir: resolve(args.out) }),
    ...(args.threshold === undefined ? {} : { threshold: args.threshold }),
    ...(args.swipe === undefined ? {} : { swipe: args.swipe }),
    ...(args.onion === undefined ? {} : { onion: args.onion }),
    ...(args.maxSide === undefined ? {} : { maxImageSide: args.maxSide }),
    ...(args.pictureSize === undefined ? {} : { pictureSize: args.pictureSize }),
    ...(args.previewSize === undefined ? {} : { previewSize: args.previewSize }),
  };
}
