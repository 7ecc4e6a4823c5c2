// A contact as authorities and data centres give it: free text where people write free text, but an
// e-mail address that is one and a website that a browser opens as a web page (no javascript: or
// data: links for other clients to render).
import type { Contact } from '../db/schema.js';
import { badInput } from './errors.js';

const EMAIL = /^[^@\s<>()[\]\\,;:"]+@[^@\s<>()[\]\\,;:"]+\.[^@\s<>()[\]\\,;:".]{2,}$/;

function checkWebsite(field: string, website: string): void {
  let url: URL;
  try {
    url = new URL(website);
  } catch {
    throw badInput(field, `"${website}" is not a web address: expected https://…`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(field, `"${website}" is not a web address: only https:// and http:// are allowed`);
  if (url.username || url.password) throw badInput(field, 'a web address must not carry a user name or password');
}

/** The contact without empty parts; throws BAD_USER_INPUT naming `<field>.email` or `<field>.website`. */
export function checkContact(field: string, contact: Contact): Contact {
  const out = Object.fromEntries(
    Object.entries(contact)
      .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
      .filter(([, v]) => v !== null && v !== undefined && v !== ''),
  ) as Contact;
  if (out.email && !EMAIL.test(out.email)) throw badInput(`${field}.email`, `"${out.email}" is not an e-mail address`);
  if (out.website) checkWebsite(`${field}.website`, out.website);
  return out;
}
