import { describe, expect, it } from 'vitest';
import { HONEYPOT_FIELD, renderFeedbackFormPage, renderSubscribePage } from '../src/index.ts';
import { baseUrl, demoOrg } from './fixtures.ts';

describe('renderSubscribePage', () => {
  it('is a plain form posting to /{org}/subscribe with the CSRF token and topics', () => {
    const page = renderSubscribePage({
      org: demoOrg,
      lang: 'en',
      baseUrl,
      state: 'form',
      csrfToken: 'tok',
      topics: [{ key: 'housing', name: 'Housing' }],
    });
    expect(page).toContain(`<form method="post" action="${baseUrl}/demo/subscribe"`);
    expect(page).toContain('<input type="hidden" name="csrf" value="tok">');
    expect(page).toContain('<input type="email" id="email" name="email" autocomplete="email"');
    expect(page).toContain('<input type="checkbox" name="topics" value="housing">');
    expect(page).toContain('<button class="button" type="submit">Subscribe</button>');
    expect(page).not.toMatch(/<script/i);
  });

  it('shows a linked error summary and marks the field invalid after a bad email', () => {
    const page = renderSubscribePage({
      org: demoOrg,
      lang: 'cy',
      baseUrl,
      state: 'form',
      error: 'invalid_email',
      values: { email: 'nope' },
    });
    expect(page).toContain('Mae yna broblem');
    expect(page).toContain('<a href="#email">Rhowch gyfeiriad e-bost yn y fformat cywir');
    expect(page).toContain('aria-invalid="true"');
    expect(page).toContain('value="nope"');
    expect(page).toContain('Tanysgrifio');
  });

  it('renders each state in both languages', () => {
    const states = {
      check_email: ['Check your email', 'Gwiriwch eich e-bost'],
      confirmed: ['You are subscribed', 'Rydych wedi tanysgrifio'],
      unsubscribed: ['You have unsubscribed', 'Rydych wedi dad-danysgrifio'],
      error: ['There is a problem', 'Mae yna broblem'],
    } as const;
    for (const [state, [en, cy]] of Object.entries(states)) {
      const s = state as keyof typeof states;
      expect(renderSubscribePage({ org: demoOrg, lang: 'en', baseUrl, state: s })).toContain(en);
      expect(renderSubscribePage({ org: demoOrg, lang: 'cy', baseUrl, state: s })).toContain(cy);
    }
  });
});

describe('renderFeedbackFormPage', () => {
  const input = {
    org: demoOrg,
    lang: 'en' as const,
    baseUrl,
    siteKey: 'pk_demo',
    servicePoints: [{ key: 'sp1', name: 'Civic Centre' }],
    customerGroups: [{ key: 'cg1', name: 'Tenant' }],
    state: 'form' as const,
  };

  it('has text, a 1–5 rating, service point, contact and both consent boxes, posting without JavaScript', () => {
    const page = renderFeedbackFormPage(input);
    expect(page).toContain(`<form method="post" action="${baseUrl}/demo/feedback"`);
    expect(page).toContain('<textarea id="text" name="text"');
    for (let r = 1; r <= 5; r++) expect(page).toContain(`<input type="radio" name="rating" value="${r}">`);
    expect(page).toContain('<option value="sp1">Civic Centre</option>');
    expect(page).toContain('<option value="cg1">Tenant</option>');
    expect(page).toContain('name="consent_contact"');
    expect(page).toContain('You may contact me about my feedback');
    expect(page).toContain('name="consent_outcome"');
    expect(page).toContain('<input type="hidden" name="site_key" value="pk_demo">');
    expect(page).not.toMatch(/<script/i);
  });

  it('hides the honeypot field from people and keeps it out of the tab order', () => {
    const page = renderFeedbackFormPage(input);
    expect(page).toContain(
      `<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>`,
    );
    expect(page).toMatch(/\.hp\{position:absolute!important;left:-10000px!important/);
  });

  it('keeps values and shows field errors after a failed submission, in Welsh', () => {
    const page = renderFeedbackFormPage({
      ...input,
      lang: 'cy',
      fieldErrors: { text: 'text_required', email: 'invalid_email' },
      values: { rating: 4, email: 'bad', consentOutcome: true },
    });
    expect(page).toContain('<a href="#text">Rhowch eich adborth</a>');
    expect(page).toContain('<input type="radio" name="rating" value="4" checked>');
    expect(page).toContain('value="bad"');
    expect(page).toMatch(/name="consent_outcome" value="yes" checked/);
    expect(page).toContain('Anfon adborth');
  });

  it('thanks the person after sending', () => {
    expect(renderFeedbackFormPage({ ...input, state: 'thanks' })).toContain('Thank you for your feedback');
  });
});
