import type { ImageFormat } from './formats.js';

/** How the stored samples are organised, as an artist would name it. */
export type ColourType = 'grey' | 'grey-alpha' | 'palette' | 'rgb' | 'rgba' | 'cmyk' | 'cmyk-alpha' | 'lab' | 'multichannel';

/**
 * What a file says about its picture, as plain JSON. Width and height are the stored (original) size,
 * before any downscaling and without applying EXIF orientation.
 */
export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  /** Bits per sample as stored (PNG: the IHDR depth, so 1, 2, 4, 8 or 16; JPEG 8; float TIFF 32). */
  bitDepth: number;
  colourType: ColourType;
  /** Channels of the decoded samples, alpha included (a palette image with transparency has 4). */
  channels: number;
  hasAlpha: boolean;
  /** The colour space the samples are in: 'srgb', 'grey', 'cmyk', 'lab', 'linear-rgb' (scRGB) or as the decoder names it. */
  colourSpace: string;
  /** Pixels per inch, when the file records it. */
  density?: number;
  /** Frames or pages (animated GIF/WebP/APNG, multi-page TIFF); the first is the one compared. */
  pages: number;
  /**
   * A flat record of what matters to an artist, keyed by source: `icc.description`, `icc.hash`,
   * `exif.Orientation`, `exif.Software`, `xmp`, `xmp.CreatorTool`, `png.text.<keyword>`, `png.gAMA`,
   * `psd.layers`, `psd.mode`, `jpeg.chromaSubsampling`, …
   */
  metadata: Record<string, string | number | boolean>;
}
