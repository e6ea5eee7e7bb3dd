import { defaultTaxonomy, matchThemeRules } from '@closeloop/analysis';
import { CHANNELS, channelDetailsSchema, contactInputSchema } from '@closeloop/domain';
import { describe, expect, it } from 'vitest';
import { demoContent } from '../src/demo/content.ts';

const { feedback, actions, publications } = demoContent;
const keysOf = (items: readonly { key: string }[]) => new Set(items.map((item) => item.key));
const groupKeys = keysOf(demoContent.customerGroups);
const servicePointKeys = keysOf(demoContent.servicePoints);
const engagementKeys = keysOf(demoContent.engagements);
const feedbackKeys = keysOf(feedback);
const actionKeys = keysOf(actions);
const themeKeys = new Set(defaultTaxonomy.map((theme) => theme.key));
const textOf = new Map(feedback.map((item) => [item.key, item.text]));

/** Themes the default taxonomy's keyword rules give a feedback text (what the worker tags first). */
function ruleThemes(feedbackKey: string): string[] {
  return matchThemeRules(defaultTaxonomy, textOf.get(feedbackKey) ?? '')
    .filter((match) => match.terms.length > 0 && !match.vetoed)
    .map((match) => match.key);
}

describe('demo content', () => {
  it('has at least 250 feedback items with every channel present', () => {
    expect(feedback.length).toBeGreaterThanOrEqual(250);
    const perChannel = Object.fromEntries(CHANNELS.map((channel) => [channel, 0]));
    for (const item of feedback) perChannel[item.channel] = (perChannel[item.channel] ?? 0) + 1;
    for (const channel of CHANNELS) expect(perChannel[channel], channel).toBeGreaterThanOrEqual(10);
  });

  it('has a Welsh share between 10% and 30%', () => {
    const welsh = feedback.filter((item) => item.language === 'cy').length / feedback.length;
    expect(welsh).toBeGreaterThanOrEqual(0.1);
    expect(welsh).toBeLessThanOrEqual(0.3);
  });

  it('gives every details object a valid shape whose kind is the channel', () => {
    for (const item of feedback) {
      if (!item.details) continue;
      const parsed = channelDetailsSchema.safeParse(item.details);
      expect(parsed.success, `${item.key}: ${parsed.error?.message}`).toBe(true);
      expect(parsed.data?.kind, item.key).toBe(item.channel);
    }
  });

  it('gives every contact a valid shape and about 60 of them consent to hear the outcome', () => {
    for (const item of feedback) {
      if (item.contact) expect(contactInputSchema.safeParse(item.contact).success, item.key).toBe(true);
    }
    const outcome = feedback.filter((item) => item.contact?.consentOutcome).length;
    expect(outcome).toBeGreaterThanOrEqual(50);
    expect(outcome).toBeLessThanOrEqual(80);
  });

  it('keeps ratings in 1..5 and days ago in 0..180', () => {
    for (const item of feedback) {
      if (item.rating !== null) expect([1, 2, 3, 4, 5], item.key).toContain(item.rating);
      expect(item.daysAgo, item.key).toBeGreaterThanOrEqual(0);
      expect(item.daysAgo, item.key).toBeLessThanOrEqual(180);
    }
  });

  it('uses unique keys everywhere', () => {
    const lists: { key: string }[][] = [
      demoContent.customerGroups,
      demoContent.servicePoints,
      demoContent.engagements,
      feedback,
      actions,
      publications,
    ];
    for (const list of lists) expect(keysOf(list).size).toBe(list.length);
    expect(new Set(demoContent.staff.map((member) => member.email)).size).toBe(demoContent.staff.length);
  });

  it('references only customer groups, service points and engagements that exist', () => {
    for (const item of feedback) {
      if (item.customerGroup) expect(groupKeys, item.key).toContain(item.customerGroup);
      if (item.servicePoint) expect(servicePointKeys, item.key).toContain(item.servicePoint);
      if (item.engagement) expect(engagementKeys, item.key).toContain(item.engagement);
    }
    for (const engagement of demoContent.engagements) {
      for (const group of engagement.customerGroups ?? []) expect(groupKeys).toContain(group);
    }
  });

  it('links actions to existing feedback, service points, staff and taxonomy themes', () => {
    const staffEmails = new Set(demoContent.staff.map((member) => member.email));
    for (const action of actions) {
      expect(action.linkedFeedbackKeys.length, action.key).toBeGreaterThan(0);
      for (const key of action.linkedFeedbackKeys) expect(feedbackKeys, action.key).toContain(key);
      for (const key of action.servicePoints) expect(servicePointKeys, action.key).toContain(key);
      expect(action.themeKeys.length, action.key).toBeGreaterThan(0);
      for (const key of action.themeKeys) expect(themeKeys, action.key).toContain(key);
      expect(staffEmails, action.key).toContain(action.ownerEmail);
    }
  });

  it('links publications to existing themes, actions and quoted feedback', () => {
    for (const publication of publications) {
      expect(themeKeys, publication.key).toContain(publication.themeKey);
      for (const key of publication.actionKeys) expect(actionKeys, publication.key).toContain(key);
      for (const key of publication.quotes) expect(feedbackKeys, publication.key).toContain(key);
    }
  });

  it("links each action only to feedback whose words match one of the action's themes", () => {
    for (const action of actions) {
      for (const key of action.linkedFeedbackKeys) {
        const themes = ruleThemes(key);
        expect(
          themes.some((theme) => action.themeKeys.includes(theme)),
          `${action.key} <- ${key} (${themes.join(', ')})`,
        ).toBe(true);
      }
    }
  });

  it("quotes on each publication feedback that the rules tag with the publication's theme", () => {
    for (const publication of publications) {
      expect(publication.quotes.length, publication.key).toBeGreaterThan(0);
      for (const key of publication.quotes)
        expect(ruleThemes(key), `${publication.key} quotes ${key}`).toContain(publication.themeKey);
    }
  });

  it('has population shares that sum to 1', () => {
    const total = demoContent.customerGroups.reduce((sum, group) => sum + group.populationShare, 0);
    expect(Math.abs(total - 1)).toBeLessThanOrEqual(0.02);
  });

  it('has a done action with impact measures and a declined action with a reason', () => {
    const done = actions.filter((action) => action.status === 'done' && action.impact.length > 0);
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.every((action) => action.completedDaysAgo !== undefined)).toBe(true);
    expect(actions.some((action) => action.status === 'declined' && (action.declinedReason ?? '').length > 0)).toBe(
      true,
    );
  });

  it('has at least two published publications', () => {
    expect(publications.filter((publication) => publication.state === 'published').length).toBeGreaterThanOrEqual(2);
  });

  it('leaves some customer groups under-represented against their population share', () => {
    const tagged = feedback.filter((item) => item.customerGroup);
    const underHeard = demoContent.customerGroups.filter((group) => {
      const share = tagged.filter((item) => item.customerGroup === group.key).length / tagged.length;
      return share < group.populationShare / 2;
    });
    expect(underHeard.length).toBeGreaterThanOrEqual(2);
  });

  it('shows the parking app as a topic that rose in the last three weeks', () => {
    const aboutApp = feedback.filter((item) => /parking app|ap parcio|\bapp\b.*park/i.test(item.text));
    const recent = aboutApp.filter((item) => item.daysAgo <= 21).length;
    expect(recent).toBeGreaterThanOrEqual(20);
    expect(recent / aboutApp.length).toBeGreaterThan(0.9);
  });
});
