// The small part of fontkit (a dependency of pdfkit) that the service uses.
declare module 'fontkit' {
  export interface PathCommand {
    command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
    args: number[];
  }
  export interface Glyph {
    id: number;
    path: { commands: PathCommand[] };
    advanceWidth: number;
  }
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    glyphs: Glyph[];
    positions: GlyphPosition[];
  }
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string): GlyphRun;
    familyName: string;
    postscriptName: string;
    /** 'TTF', 'WOFF', 'WOFF2', … */
    type: string;
    numGlyphs: number;
    characterSet: number[];
    unitsPerEm: number;
    ascent: number;
    descent: number;
  }
  export function create(buffer: Buffer): Font;
}
