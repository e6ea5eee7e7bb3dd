import { describe, expect, it } from 'vitest';
import { renderContributorNotification, renderDoubleOptInEmail, renderNewsletter } from '../src/index.ts';
import { baseUrl, demoOrg, sampleEntries } from './fixtures.ts';

const unsubscribeUrl = `${baseUrl}/demo/unsubscribe/tok123`;

describe('renderNewsletter', () => {
  it('has a subject, HTML and text parts, and the unsubscribe URL in both', async () => {
    const email = await renderNewsletter({
      org: demoOrg,
      entries: sampleEntries(),
      lang: 'en',
      baseUrl,
      unsubscribeUrl,
      issueTitle: 'June 2025 update',
    });
    expect(email.subject).toBe('June 2025 update');
    expect(email.html).toMatch(/^<!doctype html>/i);
    expect(email.html).toContain(`href="${unsubscribeUrl}"`);
    expect(email.html).toContain('Waiting times at the housing office');
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html).not.toContain('fonts.googleapis.com');
    expect(email.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
    expect(email.text).toContain('142 people told us');
    expect(email.text).toContain('Fewer than 5 people told us');
    expect(email.headers['List-Unsubscribe']).toBe(`<${unsubscribeUrl}>`);
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('is in Welsh for a Welsh subscriber', async () => {
    const email = await renderNewsletter({
      org: demoOrg,
      entries: sampleEntries(),
      lang: 'cy',
      baseUrl,
      unsubscribeUrl,
      issueTitle: 'Diweddariad Mehefin',
    });
    expect(email.html).toContain('lang="cy"');
    expect(email.html).toContain('Dad-danysgrifio');
    expect(email.text).toContain('Gwnaethom ni:');
    expect(email.text).toContain('Dywedodd llai na 5 o bobl wrthym');
  });
});

describe('renderContributorNotification', () => {
  const base = {
    org: demoOrg,
    youSaidExcerpt: 'I queued for an hour on Monday.',
    entryUrl: `${baseUrl}/demo/you-said-we-did/a1b2c3`,
    unsubscribeUrl,
  };

  it('tells the contributor what they said and what we did, with a working unsubscribe link', () => {
    const email = renderContributorNotification({
      ...base,
      lang: 'en',
      contributorName: 'Sam',
      action: { title: 'Book an appointment online', statement: 'You can now book a slot.', status: 'done' },
    });
    expect(email.subject).toBe('Demo Borough Council: What happened to your feedback');
    expect(email.html).toContain('Dear Sam,');
    expect(email.html).toContain('“I queued for an hour on Monday.”');
    expect(email.html).toContain('Book an appointment online');
    expect(email.html).toContain(`href="${unsubscribeUrl}"`);
    expect(email.text).toContain('You told us:');
    expect(email.text).toContain('We did:');
    expect(email.text).toContain(`Stop these emails: ${unsubscribeUrl}`);
    expect(email.headers['List-Unsubscribe']).toBe(`<${unsubscribeUrl}>`);
  });

  it('is in Welsh for a Welsh contributor and explains a declined action', () => {
    const email = renderContributorNotification({
      ...base,
      lang: 'cy',
      action: { title: 'Goleuadau', statement: '', status: 'declined', declinedReason: 'mae’n barth llifogydd.' },
    });
    expect(email.subject).toBe('Cyngor Bwrdeistref Demo: Beth ddigwyddodd i’ch adborth');
    expect(email.html).toContain('<html lang="cy"');
    expect(email.html).toContain('Helo,');
    expect(email.html).toContain('Dywedoch wrthym');
    expect(email.html).toContain('<strong>Ni allwn wneud hyn, oherwydd</strong> mae’n barth llifogydd.');
    expect(email.text).toContain('Beth wnaethom ni benderfynu:');
    expect(email.text).toContain('Atal y negeseuon hyn');
  });
});

describe('renderDoubleOptInEmail', () => {
  it('links to the confirmation URL in both parts', () => {
    const confirmUrl = `${baseUrl}/demo/subscribe/confirm?token=abc`;
    const email = renderDoubleOptInEmail({ org: demoOrg, lang: 'cy', confirmUrl });
    expect(email.subject).toContain('Cadarnhewch eich tanysgrifiad');
    expect(email.html).toContain(`href="${confirmUrl}"`);
    expect(email.text).toContain(confirmUrl);
  });
});
