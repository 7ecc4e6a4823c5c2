// Folding names for case- and umlaut-insensitive matching: "Lübeck", "Luebeck" and "LUBECK" fold alike.
export function foldName(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u')
    .replace(/[-‐–—/.,()'’"]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
