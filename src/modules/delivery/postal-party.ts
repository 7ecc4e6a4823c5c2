// A letter's sender or recipient and its address lines. Apart from letter.ts so that the print
// adapter can word addresses without loading pdf-lib (150 ms of the server's start, #17).

export interface PostalParty {
  name: string;
  street: string | null;
  houseNumber: string | null;
  poBox: string | null;
  postcode: string;
  city: string;
}

export function addressLines(p: PostalParty): string[] {
  const streetLine = p.poBox ? `Postfach ${p.poBox}` : [p.street, p.houseNumber].filter(Boolean).join(' ');
  return [p.name, streetLine, `${p.postcode} ${p.city}`].filter((l) => l.trim() !== '');
}
