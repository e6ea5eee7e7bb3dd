import { describe, expect, it } from 'vitest';
import { mapInbound } from '../../src/ingest/inbound/index.ts';
import { expectValidFeedback, only, readFixture } from './fixtures.ts';

describe('zendesk', () => {
  it('maps a complaint ticket to complaint, with requester, status and agent URL, plus the CSAT comment', async () => {
    const { items } = await mapInbound('zendesk', readFixture('crm/zendesk/ticket.json'));
    expectValidFeedback(items);
    expect(items).toHaveLength(2);
    const [ticket, satisfaction] = items;
    expect(ticket?.channel).toBe('complaint');
    expect(ticket?.text).toMatch(/^Complaint – missed bin collection, Mill Lane\n\nDear Sir\/Madam,/);
    expect(ticket?.source).toBe('zendesk');
    expect(ticket?.externalId).toBe('18204');
    expect(ticket?.receivedAt).toBe('2024-10-14T08:13:02.000Z');
    expect(ticket?.details).toEqual({
      kind: 'complaint',
      caseRef: '18204',
      severity: 'medium',
      status: 'resolved',
      system: 'zendesk',
      externalId: '18204',
      externalUrl: 'https://riversidedc.zendesk.com/agent/tickets/18204',
    });
    expect(ticket?.contact).toMatchObject({ name: 'Siân Prydderch', email: 'sian.prydderch@example.org' });
    expect(satisfaction).toMatchObject({
      channel: 'crm',
      text: 'Bin finally collected but it took 3 weeks and two chasers.',
      rating: 1,
      externalId: '18204:satisfaction:21911402337555',
    });
  });

  it('maps a ticket.comment_added webhook from the requester, keyed on ticket and comment', async () => {
    const item = only(
      (await mapInbound('zendesk', readFixture('crm/zendesk/webhook-ticket-comment-added.json'))).items,
    );
    expectValidFeedback([item]);
    expect(item.channel).toBe('complaint');
    expect(item.text).toBe(
      "Still not collected this morning (21 Oct). That's four weeks now. I've attached a photo of the bin still full at the kerb.",
    );
    expect(item.externalId).toBe('18204:comment:21903377458067');
    expect(item.receivedAt).toBe('2024-10-21T07:58:44.381Z');
    expect(item.details).toMatchObject({ caseRef: '18204', status: 'acknowledged', severity: 'medium' });
    expect(item.contact?.name).toBe('Siân Prydderch');
  });

  it('ignores comments written by staff and private notes', async () => {
    const event = JSON.parse(readFixture('crm/zendesk/webhook-ticket-comment-added.json').toString('utf8'));
    event.event.comment.author.is_staff = true;
    const staff = await mapInbound('zendesk', event);
    expect(staff.items).toEqual([]);
    expect(staff.skipped).toEqual([{ reason: 'comment written by staff', ref: '18204:comment:21903377458067' }]);
    event.event.comment.author.is_staff = false;
    event.event.comment.is_public = false;
    expect((await mapInbound('zendesk', event)).skipped[0]?.reason).toBe('private (internal) comment');
  });
});

describe('salesforce', () => {
  it('maps a Complaint Case: Supplied* contact, Welsh preference, custom satisfaction score', async () => {
    const item = only((await mapInbound('salesforce', readFixture('crm/salesforce/case.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('complaint');
    expect(item.text).toMatch(/^Parc y Dŵr toilets locked before advertised closing time\n\nThe public toilets/);
    expect(item.text).not.toContain('\r');
    expect(item.rating).toBe(2);
    expect(item.receivedAt).toBe('2024-11-05T18:24:51.000Z');
    expect(item.source).toBe('salesforce');
    expect(item.externalId).toBe('500Qy00000R7kTbIAJ');
    expect(item.details).toMatchObject({
      kind: 'complaint',
      caseRef: '00104417',
      category: 'Facilities',
      status: 'investigating',
      severity: 'medium',
      system: 'salesforce',
    });
    expect(item.contact).toEqual({
      name: 'Gwenllïan ap Dafydd',
      email: 'gwenllian.apdafydd@example.org',
      phone: '07700 900456',
      language: 'cy',
      consentContact: false,
      consentOutcome: false,
    });
  });
});

describe('dynamics365', () => {
  it('maps a Problem incident to crm with labels from annotations and a record URL', async () => {
    const item = only((await mapInbound('dynamics365', readFixture('crm/dynamics365/incident.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('crm');
    expect(item.text).toMatch(/^Fly-tipping not cleared – alley behind Castle Street\n\nCaller reports/);
    expect(item.text).toContain('Tŷ Coch Lane');
    expect(item.receivedAt).toBe('2024-11-04T14:02:51.000Z');
    expect(item.externalId).toBe('6d1f3a9e-27b4-ef11-b8e8-7c1e52f4a9d3');
    expect(item.rating).toBeUndefined();
    expect(item.details).toEqual({
      kind: 'crm',
      system: 'dynamics365',
      externalId: '6d1f3a9e-27b4-ef11-b8e8-7c1e52f4a9d3',
      externalUrl:
        'https://riverside.crm11.dynamics.com/main.aspx?pagetype=entityrecord&etn=incident&id=6d1f3a9e-27b4-ef11-b8e8-7c1e52f4a9d3',
      status: 'In Progress',
      priority: 'High',
      subject: 'Fly-tipping not cleared – alley behind Castle Street',
    });
    expect(item.contact?.name).toBe('Dafydd Jenkins');
  });

  it('maps an incident whose case type is labelled Complaint to complaint', async () => {
    const incident = JSON.parse(readFixture('crm/dynamics365/incident.json').toString('utf8'));
    incident['casetypecode@OData.Community.Display.V1.FormattedValue'] = 'Complaint';
    incident.casetypecode = 100000001;
    const item = only((await mapInbound('dynamics365', incident)).items);
    expect(item.channel).toBe('complaint');
    expect(item.details).toMatchObject({
      caseRef: 'CAS-04417-Q8V2K7',
      severity: 'high',
      status: 'received',
      category: 'Street Cleansing',
    });
  });
});

describe('hubspot', () => {
  it('maps a ticket to crm with its string properties', async () => {
    const item = only((await mapInbound('hubspot', readFixture('crm/hubspot/ticket.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('crm');
    expect(item.text).toMatch(/^Millbrook library lift out of order\n\nSubmitted via the "Report a problem" form/);
    expect(item.receivedAt).toBe('2024-11-03T11:20:45.127Z');
    expect(item.externalId).toBe('18734502291');
    expect(item.details).toMatchObject({ system: 'hubspot', priority: 'high', status: 'pipeline 0 stage 2' });
  });
});

describe('freshdesk', () => {
  it('maps a widget ticket to crm: requester contact with consent, custom satisfaction rating, enum labels', async () => {
    const item = only((await mapInbound('freshdesk', readFixture('crm/freshdesk/ticket.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('crm');
    expect(item.text).toContain(
      `Each time I get to the payment page it says "Session expired" & I have to start again.`,
    );
    expect(item.rating).toBe(1);
    expect(item.receivedAt).toBe('2024-11-05T21:47:33.000Z');
    expect(item.externalId).toBe('5128');
    expect(item.details).toMatchObject({ system: 'freshdesk', status: 'open', priority: 'medium' });
    expect(item.contact).toEqual({
      name: 'Priya Shah',
      email: 'priya.shah@example.org',
      phone: '07700 900789',
      consentContact: true,
      consentOutcome: false,
    });
  });

  it('reads the HTML description when there is no plain-text copy', async () => {
    const ticket = JSON.parse(readFixture('crm/freshdesk/ticket.json').toString('utf8'));
    delete ticket.description_text;
    const item = only((await mapInbound('freshdesk', ticket)).items);
    expect(item.text).toContain(`renew my resident's parking permit`);
    expect(item.text).not.toMatch(/<div>|&#39;|&quot;/);
  });
});

describe('repeat deliveries', () => {
  it('give the same (source, externalId) so the route upserts instead of duplicating', async () => {
    const first = await mapInbound('salesforce', readFixture('crm/salesforce/case.json'));
    const second = await mapInbound('salesforce', readFixture('crm/salesforce/case.json'));
    expect(second.items.map((i) => [i.source, i.externalId])).toEqual(first.items.map((i) => [i.source, i.externalId]));
  });
});
