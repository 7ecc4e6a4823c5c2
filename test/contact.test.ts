// Contacts of authorities and data centres: real e-mail addresses, web addresses a browser opens as pages.
import { expect, it } from 'vitest';
import { checkContact } from '../src/lib/contact.js';

const refusal = (contact: Record<string, string>) => {
  try {
    checkContact('input.contact', contact);
    return null;
  } catch (e) {
    return { argument: (e as { extensions: { argument?: string } }).extensions.argument, message: (e as Error).message };
  }
};

it('keeps what is given, trimmed, and drops empty parts', () => {
  expect(checkContact('c', { name: ' Kasse ', email: 'kasse@detmold.de', phone: '', website: 'https://www.detmold.de/kasse' }))
    .toEqual({ name: 'Kasse', email: 'kasse@detmold.de', website: 'https://www.detmold.de/kasse' });
  expect(checkContact('c', { email: 'vollstreckung@05766.demo.invalid', website: 'http://intranet.kreis-lippe.de' }))
    .toEqual({ email: 'vollstreckung@05766.demo.invalid', website: 'http://intranet.kreis-lippe.de' });
});

it('refuses what is not an e-mail address, naming the field', () => {
  for (const email of ['kein-email', 'a@b', 'a b@c.de', '<a@c.de>', 'a@c.de, b@c.de']) {
    expect(refusal({ email })).toMatchObject({ argument: 'input.contact.email', message: expect.stringMatching(/not an e-mail address/) });
  }
});

it('refuses links that are not web pages, and credentials in them', () => {
  for (const website of ['javascript:alert(3)', 'data:text/html,<script>1</script>', 'ftp://files.example.org', 'file:///etc/passwd']) {
    expect(refusal({ website })?.message).toMatch(/only https:\/\/ and http:\/\//);
  }
  expect(refusal({ website: 'www.example.org' })?.message).toMatch(/not a web address/);
  expect(refusal({ website: 'https://user:pw@example.org' })?.message).toMatch(/user name or password/);
});
