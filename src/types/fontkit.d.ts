// The small part of fontkit (a dependency of pdfkit) that the service uses.
declare module 'fontkit' {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
    familyName: string;
  }
  export function create(buffer: Buffer): Font;
}
