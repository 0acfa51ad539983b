/** Raised by the pure format code when bytes break the object format; the store turns it into OBJECT_CORRUPT or INVALID_OBJECT. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}
