import { describe, expect, it } from 'vitest';
import { facetSpans, mapInbound, readablePostText, stripQuotedReply } from '../../src/ingest/inbound/index.ts';
import { expectValidFeedback, only, readFixture } from './fixtures.ts';

describe('email', () => {
  it('maps the English complaint: decoded sender, folded subject, QP text part, Content-Language', async () => {
    const { items } = await mapInbound('email', readFixture('email/complaint-en.eml'));
    expectValidFeedback(items);
    const item = only(items);
    expect(item.channel).toBe('email');
    expect(item.text).toMatch(/^Dear Sir\/Madam,\n\nI wish to make a formal complaint/);
    expect(item.text).toContain('12 Mill Lane, Riverside');
    expect(item.text).toContain('We also pay £35 a year for garden waste – that bin was missed on 7 October too.');
    expect(item.language).toBe('en');
    expect(item.receivedAt).toBe('2024-10-14T08:12:44.000Z');
    expect(item.source).toBe('email');
    expect(item.externalId).toBe('<8f3b2c71-5d0e-4a9b-b6f1-2c7e9d04a1b3@example.org>');
    expect(item.details).toMatchObject({
      kind: 'email',
      subject: 'Complaint – missed bin collections, 12 Mill Lane (ref WST-88213)',
      messageId: '<8f3b2c71-5d0e-4a9b-b6f1-2c7e9d04a1b3@example.org>',
    });
    expect(item.contact).toEqual({
      name: 'Siân Prydderch',
      email: 'sian.prydderch@example.org',
      language: 'en',
      consentContact: false,
      consentOutcome: false,
    });
  });

  it('maps the Welsh complaint with LF line endings and Welsh language', async () => {
    const item = only((await mapInbound('email', readFixture('email/complaint-cy.eml'))).items);
    expect(item.language).toBe('cy');
    expect(item.contact?.language).toBe('cy');
    expect(item.contact?.name).toBe('Gwenllïan ap Dafydd');
    expect(item.text).toContain('Parc y Dŵr');
    expect(item.text).toContain('Tŷ Gwyn, Heol y Bont');
    expect(item.details).toMatchObject({ subject: "Cwyn – toiledau Parc y Dŵr wedi'u cloi yn gynnar" });
    expect(item.receivedAt).toBe('2024-11-05T18:21:03.000Z');
  });

  it('turns an HTML-only message into clean text and reads the language from <body lang>', async () => {
    const raw = readFixture('email/complaint-cy.eml').toString('utf8');
    const htmlOnly = raw
      .replace(/Content-Language: cy\n/, '')
      .replace(
        /--000000000000a1b2c3d4e5f60718\nContent-Type: text\/plain[\s\S]*?(?=--000000000000a1b2c3d4e5f60718\nContent-Type: text\/html)/,
        '',
      );
    expect(htmlOnly).not.toContain('text/plain');
    const item = only((await mapInbound('email', htmlOnly)).items);
    expectValidFeedback([item]);
    expect(item.text).not.toMatch(/<|&#/);
    expect(item.text).toContain("roedd y toiledau wedi'u cloi am 6 o'r gloch");
    expect(item.text).toContain('Tŷ Gwyn');
    expect(item.language).toBe('cy');
  });

  it('cuts a quoted earlier message and the signature block from a reply', () => {
    const text =
      'Still no collection.\n\nOn Mon, 14 Oct 2024 at 09:12, Council <c@example.org> wrote:\n> We are looking into it.\n';
    expect(stripQuotedReply(text)).toBe('Still no collection.');
    expect(stripQuotedReply('Thanks for fixing it.\n-- \nJo Bloggs\nSent from my phone')).toBe('Thanks for fixing it.');
  });
});

describe('mastodon', () => {
  it('maps a Status: HTML to text with the addressing mention removed and links rebuilt', async () => {
    const item = only((await mapInbound('mastodon', readFixture('social/mastodon/status.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('social_mention');
    expect(item.text).toBe(
      "third week running the green bin on Mill Lane hasn't been collected & the calendar on your site still says fortnightly. Any update? #bins #RiversideDistrict\n\nhttps://riverside.example.org/bins/collection-calendar",
    );
    expect(item.language).toBe('en');
    expect(item.receivedAt).toBe('2024-11-05T08:42:17.311Z');
    expect(item.externalId).toBe('https://mastodon.example/users/eleri_h/statuses/113424850118520347');
    expect(item.details).toEqual({
      kind: 'social_mention',
      platform: 'mastodon',
      postUrl: 'https://mastodon.example/@eleri_h/113424850118520347',
      postId: '113424851729004731',
      authorHandle: '@eleri_h@mastodon.example',
      authorName: 'Eleri H ♻️',
      postedAt: '2024-11-05T08:42:17.311Z',
      public: true,
    });
  });

  it('maps a mention Notification through its status', async () => {
    const item = only((await mapInbound('mastodon', readFixture('social/mastodon/notification-mention.json'))).items);
    expect(item.text).toMatch(/^thanks for reopening the lane swim sessions/);
    expect(item.details).toMatchObject({ authorHandle: '@tomos@toot.example.net', inReplyTo: '113430966102338741' });
    expect(item.externalId).toBe('https://toot.example.net/users/tomos/statuses/113431207218004412');
  });

  it('maps a tag timeline: a Welsh post and a local reply whose content warning is kept', async () => {
    const { items } = await mapInbound('mastodon', readFixture('social/mastodon/tag-timeline.json'));
    expectValidFeedback(items);
    expect(items).toHaveLength(2);
    expect(items[0]?.language).toBe('cy');
    expect(items[0]?.text).toContain('Mae toiledau cyhoeddus Parc y Dŵr ar gau eto heno');
    expect(items[1]?.text).toMatch(/^pothole rant\n\nthe pothole outside 14 Station Rd is now >10cm deep\./);
    expect(items[1]?.text).toContain('status still "under review"');
    // A local account's acct has no domain: the handle takes it from the profile URL.
    expect(items[1]?.details).toMatchObject({ authorHandle: '@dave_k@social.example.org', authorName: 'dave_k' });
  });

  it('skips notifications that are not mentions', async () => {
    const { items, skipped } = await mapInbound('mastodon', { id: '1', type: 'follow', account: { acct: 'a' } });
    expect(items).toEqual([]);
    expect(skipped).toEqual([{ reason: "notification type 'follow' is not a mention", ref: '1' }]);
  });
});

describe('bluesky', () => {
  it('maps a searchPosts response: text, handle, bsky.app URL, at:// id, reply parent', async () => {
    const { items } = await mapInbound('bluesky', readFixture('social/bluesky/searchPosts-response.json'));
    expectValidFeedback(items);
    expect(items).toHaveLength(2);
    const [first, second] = items;
    expect(first?.text).toBe(
      "paid £35 for the garden waste permit and the brown bin hasn't been emptied since 9 Oct. Three missed collections now. #RiversideBins https://riverside.example.org/bins/garden-waste",
    );
    expect(first?.externalId).toBe('at://did:plc:4hbm2yqf7nzs3wcx5kdv6lte/app.bsky.feed.post/3lad4kq7xz22s');
    expect(first?.details).toMatchObject({
      platform: 'bluesky',
      postUrl: 'https://bsky.app/profile/meganowen.bsky.social/post/3lad4kq7xz22s',
      authorHandle: '@meganowen.bsky.social',
      authorName: 'Megan Owen',
      postedAt: '2024-11-05T12:31:07.846Z',
    });
    expect(first?.receivedAt).toBe('2024-11-05T12:31:08.412Z');
    expect(second?.language).toBe('cy');
    expect(second?.text).toContain('Heol y Bont 👍');
    expect(second?.details).toMatchObject({
      inReplyTo: 'at://did:plc:r7xk3qv2m5ltz4ubw6yhd2oa/app.bsky.feed.post/3lafy6s3ne72c',
    });
  });

  it('maps one postView on its own', async () => {
    const response = readFixture('social/bluesky/searchPosts-response.json');
    const post = (JSON.parse(response.toString('utf8')) as { posts: unknown[] }).posts[1];
    const item = only((await mapInbound('bluesky', post)).items);
    expect(item.details).toMatchObject({ postUrl: 'https://bsky.app/profile/dafyddj.bsky.social/post/3lagm2vwrqk2e' });
  });

  it('converts UTF-8 byte offsets to string offsets past £ and emoji', () => {
    const text =
      "@riversidedc.bsky.social paid £35 for the garden waste permit and the brown bin hasn't been emptied since 9 Oct. Three missed collections now. #RiversideBins riverside.example.org/bins/garden-waste";
    const spans = facetSpans(text, [
      {
        index: { byteStart: 144, byteEnd: 158 },
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'RiversideBins' }],
      },
    ]);
    expect(spans).toEqual([{ start: 143, end: 157, type: 'tag', value: 'RiversideBins' }]);
    expect(text.slice(143, 157)).toBe('#RiversideBins');

    const welsh = 'Diolch 👍 #Riverside';
    const [tag] = facetSpans(welsh, [
      { index: { byteStart: 12, byteEnd: 22 }, features: [{ $type: 'app.bsky.richtext.facet#tag' }] },
    ]);
    expect(welsh.slice(tag?.start, tag?.end)).toBe('#Riverside');
    // An offset inside the 4-byte emoji is rejected, not guessed.
    expect(facetSpans(welsh, [{ index: { byteStart: 8, byteEnd: 12 }, features: [] }])).toEqual([]);
  });

  it('drops a leading mention facet and expands a shortened link facet', () => {
    const text = '@council.example diolch! Gweler bsky.example/a…';
    const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
    const linkStart = bytes('@council.example diolch! Gweler ');
    const facets = [
      {
        index: { byteStart: 0, byteEnd: bytes('@council.example') },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:x' }],
      },
      {
        index: { byteStart: linkStart, byteEnd: bytes(text) },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://bsky.example/a/long/path' }],
      },
    ];
    expect(readablePostText(text, facets)).toBe('diolch! Gweler https://bsky.example/a/long/path');
  });
});

describe('rss', () => {
  it('maps an RSS 2.0 review feed: double-escaped HTML and CDATA to text, rating from the title', async () => {
    const { items } = await mapInbound('rss', readFixture('social/rss/review-feed.rss.xml'));
    expectValidFeedback(items);
    expect(items).toHaveLength(2);
    const [cold, toddler] = items;
    expect(cold?.rating).toBe(2);
    expect(cold?.text).toBe(
      "Cold showers, friendly staff\n\nRated 2 out of 5. Lane swimming is back which is great, but the showers in the men's changing room have been cold for a fortnight & the hand dryers don’t work.",
    );
    expect(cold?.externalId).toBe('reviews.example.org:review:884213');
    expect(cold?.receivedAt).toBe('2024-11-05T19:22:10.000Z');
    expect(cold?.language).toBe('en');
    expect(cold?.details).toMatchObject({
      platform: 'rss',
      postUrl: 'https://reviews.example.org/reviews/884213',
      authorName: 'Tomos P.',
    });
    expect(toddler?.rating).toBe(5);
    expect(toddler?.receivedAt).toBe('2024-11-04T09:03:41.000Z');
    expect(toddler?.text).toContain('The Saturday toddler sessions are brilliant – small groups');
    expect(toddler?.externalId).toBe('https://reviews.example.org/reviews/884107');
  });

  it('maps an Atom feed: escaped HTML and inline XHTML content, per-entry xml:lang', async () => {
    const { items } = await mapInbound('rss', readFixture('social/rss/review-feed.atom.xml'));
    expectValidFeedback(items);
    const [english, welsh] = items;
    expect(english?.text).toContain("men's changing room");
    expect(english?.externalId).toBe('tag:reviews.example.org,2019:review/884213');
    expect(welsh?.language).toBe('cy');
    expect(welsh?.rating).toBe(4);
    expect(welsh?.text).toBe(
      "Gwasanaeth da, ond angen mwy o sesiynau Cymraeg\n\nSgôr 4 allan o 5. Staff cyfeillgar iawn. Byddai'n braf cael mwy o wersi nofio drwy gyfrwng y Gymraeg i blant.",
    );
    expect(welsh?.details).toMatchObject({ authorName: 'Gwenllïan D.', postedAt: '2024-11-03T16:40:00.000Z' });
  });
});
